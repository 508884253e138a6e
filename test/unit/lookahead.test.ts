/**
 * Lookahead (src/trainer/datasets/lookahead.ts): the stream in order, the next item visible to peek() once it is
 * made and never waited for, failures and early exits passed on to the source.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lookahead } from '../../src/trainer/datasets/lookahead';

/** A source whose items are made when the test says so. */
function controlled(count: number) {
  const makers: Array<(v: number) => void> = [];
  let returned = false;
  async function* source(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < count; i++) yield await new Promise<number>((resolve) => makers.push(resolve));
    } finally {
      returned = true;
    }
  }
  /** Makes the item asked for next, once it is asked for. */
  const make = async (v: number) => {
    while (makers.length === 0) await tick();
    (makers.shift() as (v: number) => void)(v);
  };
  return { iterator: source(), make, returned: () => returned };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('lookahead over a batch stream', () => {
  it('yields every item in order and peeks at the next one only once it is made', async () => {
    const src = controlled(3);
    const stream = new Lookahead(src.iterator);
    const it = stream[Symbol.asyncIterator]();
    const first = it.next();
    await src.make(10);
    assert.deepEqual(await first, { value: 10, done: false });
    // The next item is being asked for, not made: peek does not wait for it.
    await tick();
    assert.equal(stream.peek(), undefined);
    await src.make(11);
    await tick();
    assert.equal(stream.peek(), 11);
    assert.deepEqual(await it.next(), { value: 11, done: false });
    await tick();
    assert.equal(stream.peek(), undefined);
    await src.make(12);
    assert.deepEqual(await it.next(), { value: 12, done: false });
    // The end: nothing to peek at.
    await tick();
    assert.equal(stream.peek(), undefined);
    assert.deepEqual(await it.next(), { value: undefined, done: true });
    assert.equal(src.returned(), true);
  });

  it('passes a failure to make the next item on to the loop, and an early exit on to the source', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('corrupt batch');
    }
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const v of new Lookahead(failing())) seen.push(v);
      })(),
      /corrupt batch/,
    );
    assert.deepEqual(seen, [1]);

    const src = controlled(5);
    const stream = new Lookahead(src.iterator);
    void src.make(1).then(() => src.make(2));
    for await (const v of stream) {
      assert.equal(v, 1);
      while (stream.peek() === undefined) await tick();
      assert.equal(stream.peek(), 2);
      break;
    }
    assert.equal(src.returned(), true);
    assert.equal(stream.peek(), undefined);
  });
});

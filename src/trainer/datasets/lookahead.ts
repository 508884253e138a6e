/**
 * Iterates a batch stream one item ahead: while the loop works on an item, the next one is already being made,
 * and peek() returns it as soon as it is ready, without ever waiting for it. Data-parallel steps use it to hand a
 * worker its next shard before the current step's optimizer runs, so that the worker is not idle meanwhile.
 * Pure: no tfjs.
 */
export class Lookahead<T> implements AsyncIterable<T> {
  private ready: IteratorResult<T> | undefined;

  constructor(private readonly source: AsyncIterator<T>) {}

  /** The item after the current one, once it has been made; undefined while it is being made or at the end. */
  peek(): T | undefined {
    return this.ready && !this.ready.done ? this.ready.value : undefined;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      let current = await this.source.next();
      while (!current.done) {
        this.ready = undefined;
        const pending = this.source.next();
        // Registered before the await below, so it runs first: peek() sees the item from the moment it exists.
        // A failure is not lost: the await below rethrows it to the loop.
        pending.then(
          (r) => (this.ready = r),
          () => undefined,
        );
        yield current.value;
        current = await pending;
      }
    } finally {
      this.ready = undefined;
      await this.source.return?.(undefined);
    }
  }
}

/** The protocol's guards and the MessageHandler: typed dispatch, validation, the ready handshake, request/reply. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageHandler } from '../../src/protocol/messageHandler';
import type { FromWorker, ToWorker } from '../../src/protocol/trainer';
import { isFromWorker, isToWorker, runRequestProblems } from '../../src/protocol/validate';

describe('protocol guards', () => {
  it('accepts well-formed host → worker messages and rejects the rest', () => {
    assert.ok(isToWorker({ type: 'start', runId: 'a', request: { modelText: 'x', epochs: 2, backend: 'wasm' } }));
    assert.ok(isToWorker({ type: 'stop', runId: 'a' }));
    assert.ok(isToWorker({ type: 'evaluate', runId: 'a', request: { runDir: '/runs/m/1', checkpoint: 'last', backend: 'wasm' } }));
    const bad = [
      { type: 'evaluate', runId: 'a', request: {} },
      { type: 'evaluate', runId: 'a', request: { runDir: '/r', checkpoint: 'worst' } },
      null,
      'start',
      { type: 'start', runId: 'a' },
      { type: 'start', runId: 'a', request: { modelText: 3 } },
      { type: 'start', runId: 'a', request: { modelText: 'x', backend: 'gpu' } },
      { type: 'start', runId: 'a', request: { modelText: 'x', epochs: 0 } },
      { type: 'stop' },
      { type: 'launch', runId: 'a' },
    ];
    for (const message of bad) assert.equal(isToWorker(message), false, JSON.stringify(message));
  });

  it('names the invalid request fields', () => {
    assert.deepEqual(runRequestProblems({ modelText: 'x', maxTrainSamples: -1, searchPaths: [1] }), [
      'request.maxTrainSamples is invalid: -1',
      'request.searchPaths is invalid: [1]',
    ]);
  });

  it('accepts the worker messages the host reads', () => {
    const good: FromWorker[] = [
      { type: 'ready' },
      { type: 'log', runId: 'a', level: 'info', message: 'hi' },
      { type: 'error', runId: null, message: 'bad' },
      { type: 'evaluation-progress', runId: 'a', message: 'Evaluating best/', done: 64, total: 100 },
      { type: 'evaluated', runId: 'a', result: { runDir: '/r', checkpoint: 'best', classes: ['a'], task: 'classification', test: { loss: 1, accuracy: 1, perClassAccuracy: [1], confusion: [[1]], samples: 1 } } },
      { type: 'progress', runId: 'a', metrics: { kind: 'batch', epoch: 1, batch: 1, batches: 2, loss: 1, accuracy: 0, lr: 0.1, samplesPerSecond: 1, etaSeconds: 1, time: '' } },
    ];
    for (const message of good) assert.ok(isFromWorker(message), message.type);
    assert.equal(isFromWorker({ type: 'progress', runId: 'a', metrics: { kind: 'other' } }), false);
    assert.equal(isFromWorker({ type: 'done', runId: 'a', result: {} }), false);
    assert.equal(isFromWorker({ type: 'evaluated', runId: 'a', result: { runDir: '/r' } }), false);
  });
});

describe('MessageHandler', () => {
  /** Two handlers wired back to back, as a host and a worker would be. */
  function pair() {
    const invalid: unknown[] = [];
    let toWorker: (m: unknown) => void = () => undefined;
    let toHost: (m: unknown) => void = () => undefined;
    const host = new MessageHandler<ToWorker, FromWorker>((m) => toWorker(m), isFromWorker, (m) => invalid.push(m));
    const worker = new MessageHandler<FromWorker, ToWorker>((m) => toHost(m), isToWorker, (m) => invalid.push(m));
    toWorker = (m) => worker.receive(structuredClone(m));
    toHost = (m) => host.receive(structuredClone(m));
    return { host, worker, invalid };
  }

  it('dispatches by type, waits for ready and drops invalid messages', async () => {
    const { host, worker, invalid } = pair();
    const stops: string[] = [];
    const off = worker.on('stop', (m) => stops.push(m.runId));
    host.send({ type: 'stop', runId: 'r1' });
    off();
    host.send({ type: 'stop', runId: 'r2' });
    assert.deepEqual(stops, ['r1']);
    worker.send({ type: 'ready' });
    await host.ready;
    worker.receive({ type: 'start', runId: 'x', request: {} });
    assert.equal(invalid.length, 1);
  });

  it('resolves a request with its reply and rejects on an error reply', async () => {
    type Ask = { type: 'ask'; n: number; requestId?: string };
    type Answer = { type: 'answer'; replyTo: string; n?: number; error?: string };
    const isAnswer = (m: unknown): m is Answer => typeof m === 'object' && m !== null && (m as Answer).type === 'answer';
    let answer: (m: Answer) => void = () => undefined;
    const client = new MessageHandler<Ask, Answer>((m) => answer(m.n < 0 ? { type: 'answer', replyTo: m.requestId ?? '', error: 'negative' } : { type: 'answer', replyTo: m.requestId ?? '', n: m.n * 2 }), isAnswer);
    answer = (m) => queueMicrotask(() => client.receive(m));
    assert.equal((await client.request<Answer>({ type: 'ask', n: 21 })).n, 42);
    await assert.rejects(client.request({ type: 'ask', n: -1 }), /negative/);
  });
});

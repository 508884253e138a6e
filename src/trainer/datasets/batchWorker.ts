/**
 * A batch worker (bundled to dist/batch-worker.js): runs batches' transform pipelines on another core while the
 * training step runs (the wasm engine is single-threaded). A pure handler on top, the transport wiring at the bottom.
 */
import { parentPort } from 'node:worker_threads';
import { batchBuffers, runBatchJob } from './batches';
import type { FromBatchWorker, ToBatchWorker } from './batchPool';

export function handleBatchJob(message: ToBatchWorker): { reply: FromBatchWorker; transfer: ArrayBuffer[] } {
  try {
    const batch = runBatchJob(message.job);
    return { reply: { id: message.id, batch }, transfer: batchBuffers(batch) };
  } catch (err) {
    return { reply: { id: message.id, error: err instanceof Error ? err.message : String(err) }, transfer: [] };
  }
}

parentPort?.on('message', (message: ToBatchWorker) => {
  const { reply, transfer } = handleBatchJob(message);
  parentPort?.postMessage(reply, transfer);
});

/**
 * Long computations on the wasm/cpu backends resolve `tensor.data()` as microtasks only: without a macrotask turn
 * between batches, a stop message from the host, a signal handler or a timer (the run's heartbeat) never runs.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Starts one of the trainer's worker threads: the bundle next to the running bundle (dist/<bundled>), or under tsx
 * (tests, benches) the TypeScript source.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** `dir`: the caller's __dirname (dist/ in the bundles, the source folder under tsx). */
export function startTrainerWorker(dir: string, bundled: string, source: string): Worker {
  const bundle = join(dir, bundled);
  if (existsSync(bundle)) return new Worker(bundle);
  // Node 20 workers do not pick up tsx from execArgv for a .ts entry: register it first, then load the source.
  const tsx = 'tsx/cjs'; // a variable: the bundler leaves the development-only resolution alone
  return new Worker(`require(${JSON.stringify(require.resolve(tsx))}); require(${JSON.stringify(join(dir, source))});`, { eval: true });
}

/**
 * Finding tfjs-backend-wasm's .wasm binaries, both when running from sources (tsx: they are in
 * node_modules) and from the esbuild bundle (scripts/build.mjs copies them to dist/wasm/ next to the bundle).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The binary the backend loads in Node (SIMD; Node has no threaded wasm backend in tfjs 4.x). */
const PROBE_FILE = 'tfjs-backend-wasm-simd.wasm';

/** Candidate folders in order of preference; the first one holding the binaries wins. */
function candidateDirs(explicit?: string): string[] {
  const dirs: string[] = [];
  if (explicit) dirs.push(explicit);
  dirs.push(join(__dirname, 'wasm')); // dist/wasm next to dist/cli.js or dist/worker.js
  try {
    dirs.push(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
  } catch {
    // not resolvable from here (e.g. a bundle shipped without node_modules): the other candidates remain
  }
  return dirs;
}

/**
 * The folder holding the .wasm files, with a trailing separator as `setWasmPaths` expects,
 * or an error listing where we looked.
 */
export function findWasmDir(explicit?: string): { dir: string } | { error: string } {
  const dirs = candidateDirs(explicit);
  const found = dirs.find((d) => existsSync(join(d, PROBE_FILE)));
  if (found) return { dir: found.endsWith('/') ? found : `${found}/` };
  return { error: `the wasm backend's binaries (${PROBE_FILE}) were not found; looked in: ${dirs.join(', ')}` };
}

/**
 * src/cli.ts bundled once per test file with esbuild (as scripts/build.mjs does), for tests that run `cnnlab` as a
 * child process without depending on a fresh dist/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { buildSync } from 'esbuild';

export const repoRoot = join(__dirname, '..', '..');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Bundles the CLI (removed after the file's tests) and returns a function that runs it in `cwd` (default the repository). */
export function bundledCli(): (args: string[], cwd?: string) => CliRun {
  mkdirSync(join(repoRoot, 'node_modules', '.cache'), { recursive: true });
  // Inside node_modules/.cache so the bundle resolves the same optional externals as dist/cli.js.
  const bundle = join(mkdtempSync(join(repoRoot, 'node_modules', '.cache', 'cnnlab-cli-')), 'cli.js');
  // With the worker threads the CLI starts from next to itself (batch and data-parallel step workers).
  buildSync({
    entryPoints: [
      { in: join(repoRoot, 'src/cli.ts'), out: 'cli' },
      { in: join(repoRoot, 'src/trainer/datasets/batchWorker.ts'), out: 'batch-worker' },
      { in: join(repoRoot, 'src/trainer/parallel/stepWorker.ts'), out: 'step-worker' },
    ],
    outdir: dirname(bundle), bundle: true, platform: 'node', format: 'cjs', logLevel: 'error',
    external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  });
  after(() => rmSync(dirname(bundle), { recursive: true, force: true }));
  return (args, cwd = repoRoot) => {
    const r = spawnSync(process.execPath, [bundle, ...args], { cwd, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
}

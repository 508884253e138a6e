// Bundles every entry point with esbuild: extension host, CLI, trainer worker, batch and step workers (node, CJS) and the
// webviews (browser, IIFE). Types are checked separately by `tsc --noEmit` (see package.json).
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

/** Node bundles: tfjs-node(-gpu) and webgpu (Dawn) stay external, they are native and optional (loaded at run time if installed). */
const nodeEntries = [
  { in: 'src/extension.ts', out: 'extension' },
  { in: 'src/cli.ts', out: 'cli', banner: '#!/usr/bin/env node' },
  { in: 'src/trainer/worker.ts', out: 'worker' },
  // Next to cli.js and worker.js, which start it (src/trainer/datasets/batchPool.ts).
  { in: 'src/trainer/datasets/batchWorker.ts', out: 'batch-worker' },
  // Next to them too: the data-parallel step workers (src/trainer/parallel/dataParallel.ts).
  { in: 'src/trainer/parallel/stepWorker.ts', out: 'step-worker' },
].filter((e) => existsSync(e.in));

/** Browser bundles for the webviews: every media/<panel>/main.ts. */
const webviewEntries = existsSync('media')
  ? readdirSync('media', { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join('media', d.name, 'main.ts')))
      .map((d) => ({ in: join('media', d.name, 'main.ts'), out: join('webviews', d.name) }))
  : [];

const builds = [
  ...nodeEntries.map((e) => ({
    ...common,
    entryPoints: [{ in: e.in, out: e.out }],
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu'],
    banner: e.banner ? { js: e.banner } : undefined,
  })),
  ...(webviewEntries.length
    ? [{ ...common, entryPoints: webviewEntries, outdir: 'dist', platform: 'browser', format: 'iife', target: 'es2022' }]
    : []),
];

function copyAssets() {
  // The wasm backend loads its .wasm binaries from next to the bundle (setWasmPaths).
  const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
  mkdirSync('dist/wasm', { recursive: true });
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, f), join('dist/wasm', f));
  // The Python parser (src/python/parser.ts): tree-sitter's runtime (JavaScript, required at first use, not
  // bundled) and Python grammar, prebuilt WebAssembly.
  const treeSitter = 'node_modules/@vscode/tree-sitter-wasm/wasm';
  mkdirSync('dist/tree-sitter', { recursive: true });
  for (const f of ['tree-sitter.js', 'tree-sitter.wasm', 'tree-sitter-python.wasm']) cpSync(join(treeSitter, f), join('dist/tree-sitter', f));
  const codicons = 'node_modules/@vscode/codicons/dist';
  if (existsSync(codicons)) cpSync(codicons, 'dist/codicons', { recursive: true });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  copyAssets();
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
}

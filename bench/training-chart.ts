/**
 * Training panel speed with 100,000 batch points: the real page bundle (media/training/main.ts, chart.js with
 * LTTB decimation) in Debian's headless Chromium, fed like the host feeds it: one `run` message with 100k
 * records, then 200 live `metrics` messages of 10 records. Prints the first render and the per-update times
 * (message → two animation frames, so about 17–33 ms of every update is the frame wait itself).
 * Usage: node --import tsx bench/training-chart.ts
 */
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const THEME = `--vscode-font-family: sans-serif; --vscode-font-size: 13px; --vscode-foreground: #ccc; --vscode-editor-background: #1f1f1f;`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cnnlab-chart-bench-'));
  try {
    await esbuild.build({ entryPoints: ['media/training/main.ts'], bundle: true, minify: true, format: 'iife', platform: 'browser', target: 'es2022', outfile: join(dir, 'training.js'), logLevel: 'warning' });
    writeFileSync(join(dir, 'page.html'), `<!DOCTYPE html><html><head><meta charset="UTF-8"><style>body { ${THEME} }</style></head>
<body><main id="root"></main><script>let state; function acquireVsCodeApi() { return { postMessage() {}, getState: () => state, setState: (s) => { state = s; } }; }</script>
<script src="training.js"></script></body></html>`);
    const browser = await chromium.launch({ executablePath: process.env.CNNLAB_E2E_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--allow-file-access-from-files'] });
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`file://${join(dir, 'page.html')}`);
    const result = (await page.evaluate(MEASURE)) as { initial: number; median: number; p95: number; points: number };
    console.log(`first render of ${result.points} records: ${result.initial.toFixed(0)} ms`);
    console.log(`live update (10 records onto 100k): median ${result.median.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms`);
    await browser.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs in the page (a string: tsx's transpiled helpers do not exist there). */
const MEASURE = `(async () => {
  const batch = (i, loss) => ({ kind: 'batch', epoch: Math.ceil(i / 1000), batch: ((i - 1) % 1000) + 1, batches: 1000, loss, accuracy: 0.5, lr: 1e-3, samplesPerSecond: 500 + (i % 37), etaSeconds: 10, time: '' });
  const records = [];
  for (let i = 1; i <= 100000; i++) {
    records.push(batch(i, 2 / Math.sqrt(i) + 0.1 * Math.sin(i)));
    if (i % 1000 === 0) records.push({ kind: 'epoch', epoch: i / 1000, loss: 2 / Math.sqrt(i), accuracy: 0.5, valLoss: 2 / Math.sqrt(i), valAccuracy: 0.5, lr: 1e-3, seconds: 1, samplesPerSecond: 500, best: true, time: '' });
  }
  const runDir = '/bench/run';
  const summary = { version: 1, model: 'bench', status: 'running', backend: 'wasm', backendDescription: 'wasm', dataset: 'shapes', datasetSource: 'generated', classes: ['a'], epochs: 120, epochsCompleted: 100, trainSamples: 1, validationSamples: 1, testSamples: 1, batchSize: 1, samplesPerSecond: 1, trainSeconds: 1, totalSeconds: 1, bestEpoch: 100, bestValLoss: 1, test: null, startedAt: new Date().toISOString(), updatedAt: '', finishedAt: null, stopReason: null, error: null };
  const settle = () => new Promise((r) => setTimeout(r, 0)).then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  let t0 = performance.now();
  window.postMessage({ type: 'run', run: { runDir, model: 'bench', timestamp: 't', live: true, summary, metrics: records, earlyStopping: null, hasPredictions: false } }, '*');
  await settle();
  const initial = performance.now() - t0;
  const times = [];
  for (let m = 0; m < 200; m++) {
    const fresh = Array.from({ length: 10 }, (_, j) => batch(100000 + m * 10 + j + 1, 0.2));
    t0 = performance.now();
    window.postMessage({ type: 'metrics', runDir, records: fresh }, '*');
    await settle();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { initial, median: times[100], p95: times[190], points: records.length };
})()`;

void main();

/**
 * The webgpu backend's speed, for a machine with a GPU (none here: on a software renderer the figures only show that
 * the benchmark runs). The reference CNN (bench/reference-cnn.cnn.yaml) trained for one epoch by the real trainer
 * (runTraining, as `cnnlab train`) on webgpu and on wasm in this process, then by PyTorch on CUDA
 * (bench/torch-cuda.py) where torch sees a CUDA GPU, all in the same run:
 *
 *   npm run bench:webgpu -- [--samples 12800] [--batch 64] [--no-torch]
 *
 * Samples/s are each engine's training-loop figure (as `cnnlab train --json` reports them); GPUs want larger batches
 * than the recipe's 64, so try --batch 256 too (the same batch for every engine).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BackendChoice } from '../src/trainer/backend/index';
import { runTraining } from '../src/trainer/engine/session';
import { flagOr } from './cli';

const MODEL = resolve(__dirname, 'reference-cnn.cnn.yaml');
const PYTHON = process.env.CNNLAB_PYTHON ?? '/usr/bin/python3';

interface Measured {
  engine: string;
  samplesPerSecond: number;
  testAccuracy: number | null;
}

async function measureOurs(backend: BackendChoice, samples: number, batch: number): Promise<Measured> {
  const outDir = mkdtempSync(join(tmpdir(), 'cnnlab-webgpu-bench-'));
  try {
    const modelText = readFileSync(MODEL, 'utf8').replace(/batch_size: \d+/, `batch_size: ${batch}`);
    const { summary } = await runTraining(
      { modelText, modelPath: MODEL, outDir, backend, epochs: 1, maxTrainSamples: samples, progressIntervalMs: 0 },
      { onEvent: (e) => e.type === 'log' && e.level === 'warning' && console.log(`  (${backend}) ${e.message}`) },
    );
    return { engine: `CNN Lab ${summary.backendDescription}`, samplesPerSecond: summary.samplesPerSecond, testAccuracy: summary.test?.accuracy ?? null };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** PyTorch on CUDA, or why not. */
function measureTorchCuda(samples: number, batch: number): Measured | string {
  const r = spawnSync(PYTHON, [resolve(__dirname, 'torch-cuda.py'), '--max-train-samples', String(samples), '--batch-size', String(batch)], { encoding: 'utf8', timeout: 900_000 });
  try {
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { cuda: boolean; reason?: string; device?: string; samplesPerSecond?: number; testAccuracy?: number };
    if (!out.cuda) return out.reason ?? 'no CUDA';
    return { engine: `PyTorch CUDA (${out.device})`, samplesPerSecond: out.samplesPerSecond ?? NaN, testAccuracy: out.testAccuracy ?? null };
  } catch {
    return `${PYTHON} bench/torch-cuda.py failed: ${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()}`;
  }
}

async function main(): Promise<void> {
  const samples = Number(flagOr('samples', '12800'));
  const batch = Number(flagOr('batch', '64'));
  if (!(Number.isInteger(samples) && samples >= 640 && Number.isInteger(batch) && batch >= 1)) throw new Error('usage: --samples N (≥ 640) --batch N');
  const rows: Measured[] = [];
  for (const backend of ['webgpu', 'wasm'] as const) {
    const m = await measureOurs(backend, samples, batch);
    rows.push(m);
    console.log(`${m.engine}: ${m.samplesPerSecond.toFixed(0)} samples/s, test accuracy ${m.testAccuracy?.toFixed(4) ?? 'n/a'}`);
  }
  const torch = process.argv.includes('--no-torch') ? 'not asked for (--no-torch)' : measureTorchCuda(samples, batch);
  if (typeof torch === 'string') console.log(`PyTorch CUDA: not measured: ${torch}`);
  else {
    rows.push(torch);
    console.log(`${torch.engine}: ${torch.samplesPerSecond.toFixed(0)} samples/s, test accuracy ${torch.testAccuracy?.toFixed(4) ?? 'n/a'}`);
  }
  const [gpu, wasm, cuda] = rows as [Measured, Measured, Measured | undefined];
  console.log(`webgpu / wasm: ${(gpu.samplesPerSecond / wasm.samplesPerSecond).toFixed(2)}×${cuda ? `; webgpu / PyTorch CUDA: ${(gpu.samplesPerSecond / cuda.samplesPerSecond).toFixed(2)}×` : ''}`);
  console.log(JSON.stringify({ samples, batch, rows, webgpuOverWasm: +(gpu.samplesPerSecond / wasm.samplesPerSecond).toFixed(3), webgpuOverTorchCuda: cuda ? +(gpu.samplesPerSecond / cuda.samplesPerSecond).toFixed(3) : null }));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

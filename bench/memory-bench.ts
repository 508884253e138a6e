/**
 * The training-memory estimate (src/model/memory/estimate.ts) against what training really takes on the wasm engine:
 * each case trains a few steps in a child process of its own (a fresh heap, a fresh peak) on synthetic shapes
 * images at the model's input size, then reports the wasm heap's size (it never shrinks, so its final size is its
 * peak) and the process's peak RSS (VmHWM). The estimate models the wasm heap; RSS adds Node, JavaScript objects
 * and the dataset. A case whose estimate does not fit is refused by training, as it would be for a user.
 *
 *   npm run bench:memory [-- --cases small,resnet,vgg16] [--batches 1,2,4,8]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { analyzeModel } from '../src/model';
import { estimateTrainingMemory, formatMemory } from '../src/model/memory/estimate';
import { initBackend } from '../src/trainer/backend/index';
import { runTraining } from '../src/trainer/engine/session';
import { flag } from './cli';

const CASES: Record<string, { file: string; batches: number[] }> = {
  small: { file: 'bench/reference-cnn.cnn.yaml', batches: [1, 2, 8, 64] },
  resnet: { file: 'examples/resnet-mini.cnn.yaml', batches: [1, 2, 8, 64] },
  vgg16: { file: 'examples/vgg16.cnn.yaml', batches: [1, 2, 4, 8] },
};
const MIB = 1024 * 1024;

interface Measured {
  status: string;
  error?: string;
  heapBytes: number;
  rssPeakBytes: number;
  samplesPerSecond: number | null;
}

/**
 * The model file at `batch`, one epoch, on synthetic shapes images (3 steps: the peak comes back from the second on;
 * 2 test images), its last
 * Linear giving shapes' 5 classes (VGG-16's 1000-way layer is 16 MiB of its 528).
 */
function benchModelText(file: string, batch: number): string {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const layers = doc.get('layers') as { items: Array<{ value?: unknown }> };
  const last = layers.items.at(-1);
  if (!last || typeof last.value !== 'string') throw new Error(`${file}: the last layer is not a Linear(…) call`);
  last.value = last.value.replace(/^Linear\((\d+),\s*\d+/, 'Linear($1, 5');
  doc.delete('classes');
  doc.set('data', doc.createNode({ dataset: 'shapes', train_samples: 3 * batch, test_samples: 2, validation_split: 0 }));
  const trainConfig = (doc.get('train') as { toJSON(): Record<string, unknown> } | undefined)?.toJSON() ?? {};
  doc.set('train', doc.createNode({ ...trainConfig, batch_size: batch, epochs: 1 }));
  return doc.toString();
}

/** In the child: trains, then prints what the process took as one JSON line. */
async function child(file: string, batch: number): Promise<void> {
  const { tf } = await initBackend('wasm');
  const out = mkdtempSync(join(tmpdir(), 'cnnlab-memory-'));
  const measured: Measured = { status: 'done', heapBytes: 0, rssPeakBytes: 0, samplesPerSecond: null };
  try {
    const result = await runTraining({ modelText: benchModelText(file, batch), outDir: out, backend: 'wasm' }, { onEvent: () => undefined });
    measured.status = result.summary.status;
    measured.samplesPerSecond = result.summary.samplesPerSecond;
    if (result.summary.status === 'failed') measured.error = result.summary.error ?? 'failed';
  } catch (err) {
    measured.status = 'refused';
    measured.error = err instanceof Error ? err.message : String(err);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  measured.heapBytes = backend.wasm?.HEAPU8.buffer.byteLength ?? 0;
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  measured.rssPeakBytes = hwm ? Number(hwm[1]) * 1024 : 0;
  process.stdout.write(`${JSON.stringify(measured)}\n`);
}

function measure(file: string, batch: number): Measured {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', file, String(batch)], { encoding: 'utf8', cwd: resolve(__dirname, '..'), maxBuffer: 64 * MIB });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Measured;
  } catch {
    // The engine died (out of memory, a signal): what it said is the result.
    const said = (r.stderr || `exit ${r.status ?? r.signal}`).trim().split('\n').slice(-2).join(' ');
    return { status: 'crashed', error: said, heapBytes: 0, rssPeakBytes: 0, samplesPerSecond: null };
  }
}

function main(): void {
  const names = (flag('cases') ?? Object.keys(CASES).join(',')).split(',');
  const batchesFlag = flag('batches')?.split(',').map(Number);
  const mib = (b: number): string => (b > 0 ? (b / MIB).toFixed(0) : '–');
  console.log('| model | batch | estimate (MiB) | wasm heap peak (MiB) | estimate / heap | peak RSS (MiB) | estimate / RSS | samples/s | outcome |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const name of names) {
    const c = CASES[name];
    if (!c) throw new Error(`unknown case ${name}: ${Object.keys(CASES).join(', ')}`);
    for (const batch of batchesFlag ?? c.batches) {
      const analysis = analyzeModel(benchModelText(c.file, batch));
      const estimate = estimateTrainingMemory(analysis, { backend: 'wasm', batchSize: batch, epochs: 1 });
      const m = measure(c.file, batch);
      const ratio = (b: number): string => (b > 0 ? (estimate.totalBytes / b).toFixed(2) : '–');
      const outcome = m.status === 'done' ? 'trained' : `${m.status}: ${(m.error ?? '').slice(0, 120)}`;
      const sps = m.samplesPerSecond === null ? '–' : m.samplesPerSecond.toFixed(2);
      console.log(`| ${analysis.name} | ${batch} | ${mib(estimate.totalBytes)} | ${mib(m.heapBytes)} | ${ratio(m.heapBytes)} | ${mib(m.rssPeakBytes)} | ${ratio(m.rssPeakBytes)} | ${sps} | ${outcome} |`);
    }
  }
  console.log(`\nThe wasm heap's limit is ${formatMemory(4 * 1024 ** 3 - 64 * 1024)}; estimates are at one epoch (no best-weights copy).`);
}

if (process.argv.includes('--child')) {
  const i = process.argv.indexOf('--child');
  void child(process.argv[i + 1] as string, Number(process.argv[i + 2]));
} else {
  main();
}

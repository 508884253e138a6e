/**
 * Peak memory of training a model, estimated from the analysis before anything is allocated, per backend:
 * parameters, their gradients, the optimizer's state, the best-weights copy (native only: the wasm engine keeps it in
 * JavaScript memory), what a batch keeps for the backward pass, the largest transient workspace and the runtime's own
 * share. The wasm engine addresses at most 4 GiB (tfjs-backend-wasm's heap maximum), whatever the machine has; native
 * backends are bounded by the machine's RAM. Validated against measured peaks by bench/memory-bench.ts (VGG-16 at
 * batch 8: 3,868 MiB estimated, 3,788 MiB measured).
 *
 * With N data-parallel workers (wasm, src/trainer/parallel) every thread has a heap of its own, each with the 4 GiB
 * limit, so each heap must fit, not their sum: this thread's holds the estimate above at its shard's rows (⌈B/N⌉)
 * plus, while it reduces them, the other workers' gradients copied out of shared memory and their sum (N × the
 * trainable parameters); each worker's holds its model copy without optimizer state (this thread steps) and its
 * shard's activations; outside the heaps, the shared memory holds the weights and N−1 gradient regions over every
 * variable (N × parameters and buffers). The process needs all of them.
 */
import type { Conv2dArgs, LinearArgs, ModelAnalysis, ResolvedLayer, TrainConfig } from '../types';
import { keptBytesPerSample } from './keptTensors';

const FLOAT32 = 4;
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** The wasm engine's heap maximum: emscripten's 4 GiB less one 64 KiB page (tfjs-backend-wasm 4.x). */
export const WASM_HEAP_LIMIT = 4 * GIB - 64 * 1024;
/** Our kernels build an im2col patch matrix in chunks of at most this many bytes (src/trainer/kernels/im2col.ts). */
export const IM2COL_CHUNK_BYTES = 64 * MIB;
/**
 * Up to this many rows (the batch), a Linear layer's forward product streams its weights in place instead of letting
 * XNNPACK pack a copy of them (src/trainer/kernels/fused-mat-mul.ts).
 */
export const STREAMED_MATMUL_MAX_ROWS = 16;
/** The wasm module, XNNPACK's operators and indirection buffers, the allocator's bookkeeping. */
const WASM_RUNTIME_BYTES = 48 * MIB;
/** TensorFlow's libraries, thread pools and allocator caches, and Node itself (measured around 0.4–0.6 GiB). */
const NATIVE_RUNTIME_BYTES = 512 * MIB;

/** Which memory model applies: the embedded wasm engine, or native TensorFlow (and the debug cpu backend). */
export type MemoryBackend = 'wasm' | 'native';

export interface MemoryPart {
  /** What the bytes are for, in words ("Adam state", "activations of 8 samples"). */
  name: string;
  bytes: number;
}

export interface TrainingMemoryEstimate {
  backend: MemoryBackend;
  batchSize: number;
  parts: MemoryPart[];
  totalBytes: number;
  /** What the total must fit in, and its name for messages. */
  limitBytes: number;
  limitName: string;
  fits: boolean;
  /** The largest batch size that fits (0: not even one sample). */
  maxBatchSize: number;
  /** With data-parallel workers: `parts` and `totalBytes` are this thread's heap; the others are here. */
  workers?: WorkersMemory;
}

/** The memory of a run with data-parallel workers beside this thread's heap. */
export interface WorkersMemory {
  /** Workers, this thread included. */
  count: number;
  /** Rows of the largest shard, ⌈batch / count⌉: each heap's activations. */
  shardRows: number;
  /** One other worker's heap. */
  workerBytes: number;
  /** The shared weights and gradients (outside the heaps). */
  sharedBytes: number;
  /** Every heap and the shared memory: what the process needs. */
  totalBytes: number;
}

export interface MemoryOptions {
  backend: MemoryBackend;
  /** Default: the file's train.batch_size. */
  batchSize?: number;
  /** Default: the file's train.epochs; with more than one, the best weights are kept while training goes on. */
  epochs?: number;
  /** The machine's RAM (os.totalmem()), the limit of native backends; default: no limit known (Infinity). */
  machineBytes?: number;
  /** Data-parallel workers, this thread included (wasm only: native backends run one); default 1. */
  workers?: number;
}

type Analysed = Pick<ModelAnalysis, 'layers' | 'graph' | 'input' | 'totals' | 'train'>;

/** Copies of the trainable parameters the optimizer keeps (torch.optim's state). */
export function optimizerStateSlots(train: Pick<TrainConfig, 'optimizer' | 'momentum'>): { a: boolean; b: boolean } {
  if (train.optimizer === 'sgd') return { a: train.momentum !== 0, b: false };
  if (train.optimizer === 'rmsprop') return { a: train.momentum > 0, b: true };
  return { a: true, b: true };
}

const OPTIMIZER_LABEL: Record<TrainConfig['optimizer'], string> = { sgd: 'SGD momentum', adam: 'Adam state', adamw: 'AdamW state', rmsprop: 'RMSprop state' };

/** Weights XNNPACK packs into its own layout and keeps per weight tensor (conv filters; Linear matrices for big batches). */
function packedWeightElements(layers: readonly ResolvedLayer[], batchSize: number): number {
  let n = 0;
  for (const l of layers) {
    if (l.type === 'Conv2d' || l.type === 'ConvTranspose2d') n += l.trainableParams - ((l.args as Conv2dArgs).bias ? (l.args as Conv2dArgs).out_channels : 0);
    if (l.type === 'Linear' && batchSize > STREAMED_MATMUL_MAX_ROWS) n += (l.args as LinearArgs).in_features * (l.args as LinearArgs).out_features;
  }
  return n;
}

/** Elements of the largest parameter tensor (a layer's weight): the optimizer writes its new value beside the old. */
function largestParameter(layers: readonly ResolvedLayer[]): number {
  let n = 0;
  for (const l of layers) {
    if (l.type === 'Linear') n = Math.max(n, (l.args as LinearArgs).in_features * (l.args as LinearArgs).out_features);
    else if (l.type === 'Conv2d' || l.type === 'ConvTranspose2d') n = Math.max(n, l.trainableParams);
  }
  return n;
}

/** Elements of one sample's largest im2col patch matrix (kh·kw·cin rows × output pixels). */
function largestPatchMatrix(layers: readonly ResolvedLayer[]): number {
  let n = 0;
  for (const l of layers) {
    if (l.type !== 'Conv2d' || l.outputShape.length !== 3) continue;
    const a = l.args as Conv2dArgs;
    n = Math.max(n, a.kernel_size[0] * a.kernel_size[1] * (a.in_channels / a.groups) * l.outputShape[1] * l.outputShape[2]);
  }
  return n;
}

/**
 * One heap's estimate at `batchSize` rows: a run's only thread, or with data-parallel workers this thread (it also
 * reduces the `others`' gradients) or a worker (no optimizer).
 */
function partsAt(a: Analysed, o: MemoryOptions, batchSize: number, role: { others: number } | 'worker' = { others: 0 }): MemoryPart[] {
  const t = a.totals;
  const trainable = FLOAT32 * t.trainableParams;
  const slots = optimizerStateSlots(a.train);
  const stateCopies = Number(slots.a) + Number(slots.b);
  const epochs = o.epochs ?? a.train.epochs;
  const wasm = o.backend === 'wasm';
  const patches = FLOAT32 * largestPatchMatrix(a.layers) * batchSize;
  const stepping = role !== 'worker';
  const others = role === 'worker' ? 0 : role.others;
  const parts: MemoryPart[] = [
    { name: 'parameters and buffers', bytes: t.paramBytes },
    { name: 'gradients', bytes: trainable },
    { name: `${others} other worker${others === 1 ? "'s" : "s'"} gradients and their sum`, bytes: others > 0 ? (others + 1) * trainable : 0 },
    { name: OPTIMIZER_LABEL[a.train.optimizer], bytes: stepping ? stateCopies * trainable : 0 },
    // Kept in JavaScript memory (src/trainer/engine/checkpoint.ts), outside the wasm heap; native RAM holds both.
    { name: 'best-weights copy', bytes: epochs > 1 && !wasm && stepping ? t.paramBytes : 0 },
    { name: 'XNNPACK packed weights', bytes: wasm ? FLOAT32 * packedWeightElements(a.layers, batchSize) : 0 },
    { name: `activations of ${batchSize} sample${batchSize === 1 ? '' : 's'} and their gradients`, bytes: batchSize * keptBytesPerSample(a, o.backend) },
    {
      name: 'largest workspace (new weight value, im2col)',
      // Native TensorFlow's own convolution workspaces are not modelled beyond one sample's patch matrix.
      bytes: Math.max(FLOAT32 * largestParameter(a.layers), wasm ? Math.min(patches, IM2COL_CHUNK_BYTES) : patches / batchSize),
    },
    // The optimizer frees each old weight after writing the new one beside it; smaller tensors then split that hole,
    // so the next step's new weight needs fresh room once more (measured on VGG-16: one largest weight of slack).
    { name: 'allocator slack', bytes: wasm ? FLOAT32 * largestParameter(a.layers) : 0 },
    { name: wasm ? 'wasm runtime' : 'TensorFlow runtime and Node', bytes: wasm ? WASM_RUNTIME_BYTES : NATIVE_RUNTIME_BYTES },
  ];
  return parts.filter((p) => p.bytes > 0);
}

const total = (parts: readonly MemoryPart[]): number => parts.reduce((s, p) => s + p.bytes, 0);

/** Workers that split the batch: one unless data-parallel on wasm. */
const workerCount = (o: MemoryOptions): number => (o.backend === 'wasm' ? Math.max(1, Math.floor(o.workers ?? 1)) : 1);

/** Each heap's parts at a global batch of `batchSize`: this thread's first, then one worker's (with workers). */
function heapsAt(a: Analysed, o: MemoryOptions, batchSize: number): MemoryPart[][] {
  const n = workerCount(o);
  if (n === 1) return [partsAt(a, o, batchSize)];
  const rows = Math.ceil(batchSize / n);
  return [partsAt(a, o, rows, { others: n - 1 }), partsAt(a, o, rows, 'worker')];
}

/** The peak memory of training `analysis` on `options.backend`, and whether it fits. */
export function estimateTrainingMemory(analysis: Analysed, options: MemoryOptions): TrainingMemoryEstimate {
  const batchSize = Math.max(1, options.batchSize ?? analysis.train.batch_size);
  const wasm = options.backend === 'wasm';
  const limitBytes = wasm ? WASM_HEAP_LIMIT : options.machineBytes ?? Infinity;
  const limitName = wasm ? "the wasm engine's 4 GiB address space" : `this machine's ${formatMemory(limitBytes)} of RAM`;
  const [parts, worker] = heapsAt(analysis, options, batchSize);
  const totalBytes = total(parts);
  const fits = totalBytes <= limitBytes && (!worker || total(worker) <= limitBytes);
  const estimate = { backend: options.backend, batchSize, parts, totalBytes, limitBytes, limitName, fits, maxBatchSize: maxBatchSize(analysis, options, limitBytes) };
  if (!worker) return estimate;
  const count = workerCount(options);
  const [workerBytes, sharedBytes] = [total(worker), count * analysis.totals.paramBytes];
  return { ...estimate, workers: { count, shardRows: Math.ceil(batchSize / count), workerBytes, sharedBytes, totalBytes: totalBytes + (count - 1) * workerBytes + sharedBytes } };
}

/** The largest batch size whose estimate fits in `limit`, every heap of it (the estimate grows with the batch). */
function maxBatchSize(a: Analysed, o: MemoryOptions, limit: number): number {
  const fits = (b: number): boolean => heapsAt(a, o, b).every((heap) => total(heap) <= limit);
  if (!fits(1)) return 0;
  let lo = 1;
  let hi = 2;
  while (hi <= 1 << 20 && fits(hi)) [lo, hi] = [hi, hi * 2];
  if (hi > 1 << 20) return lo;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Bytes in binary units, as memory limits are stated: "3.61 GiB", "512 MiB". */
export function formatMemory(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'unlimited';
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(2)} GiB`;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(0)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}

/**
 * One line for summaries: "≈ 3.61 GiB at batch 8 on wasm (limit 4 GiB): fits, up to batch 11"; with workers, their
 * heaps and the process's total follow.
 */
export function memoryLine(e: TrainingMemoryEstimate): string {
  const w = e.workers;
  const head = w
    ? `≈ ${formatMemory(e.totalBytes)} in this thread's heap at batch ${e.batchSize} split over ${w.count} workers (≤ ${w.shardRows} rows each), ${formatMemory(w.workerBytes)} in each other worker's, ${formatMemory(w.sharedBytes)} shared, ${formatMemory(w.totalBytes)} in all,`
    : `≈ ${formatMemory(e.totalBytes)} at batch ${e.batchSize}`;
  if (!Number.isFinite(e.limitBytes)) return `${head} on native TensorFlow (bounded by the machine's RAM)`;
  const where = e.backend === 'wasm' ? `on wasm (limit 4 GiB${w ? ' per heap' : ''})` : `on native TensorFlow (RAM ${formatMemory(e.limitBytes)})`;
  const verdict = e.fits ? `fits, up to batch ${e.maxBatchSize}` : `does not fit; ${e.maxBatchSize > 0 ? `batch ≤ ${e.maxBatchSize} does` : 'not even batch 1'}`;
  return `${head} ${where}: ${verdict}`;
}

/** The parts, largest first: "Adam state 1.03 GiB, activations of 8 samples … 2.6 GiB, …". */
export function memoryBreakdown(e: TrainingMemoryEstimate): string {
  return [...e.parts].sort((x, y) => y.bytes - x.bytes).map((p) => `${p.name} ${formatMemory(p.bytes)}`).join(', ');
}

/** Why training cannot start, with what to change; null when the estimate fits. */
export function memoryRefusal(e: TrainingMemoryEstimate, modelName: string): string | null {
  if (e.fits) return null;
  const batch =
    e.maxBatchSize > 0
      ? `set train.batch_size to ${e.maxBatchSize} or less`
      : 'even batch_size 1 does not fit: reduce the input size or the widest layers';
  const native = e.backend === 'wasm' ? ', or train on native TensorFlow, which has no 4 GiB limit (`cnnlab install-backend tensorflow`, then `--backend tensorflow` or the cnnLab.backend setting)' : '';
  return (
    `${modelName} needs about ${formatMemory(e.totalBytes)}${e.workers ? ` in this thread's heap with ${e.workers.count} workers` : ''} to train at batch_size ${e.batchSize}, more than ${e.limitName} ` +
    `(${memoryBreakdown(e)}). To fit: ${batch}, use a smaller input${native}.`
  );
}

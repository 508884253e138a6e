/**
 * The training-memory estimate: its arithmetic on a model small enough to count by hand, the refusal of a run that
 * cannot fit the wasm engine's 4 GiB (before any allocation, with advice), and where the estimate is shown.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import { estimateTrainingMemory, memoryLine, memoryRefusal, WASM_HEAP_LIMIT } from '../../src/model/memory/estimate';
import { SourceText } from '../../src/model/parse/sourceText';
import { hoverAt } from '../../src/language/hover';
import { MemoryLimitError, runTraining } from '../../src/trainer/engine/session';
import { buildSummaryViewModel } from '../../src/webviews/summary/summaryViewModel';

const TINY = `name: tiny
input: [1, 8, 8]
classes: 2
layers:
  - Conv2d(1, 4, 3, padding=1)
  - ReLU()
  - Flatten()
  - Linear(256, 2)
train: {batch_size: 10, optimizer: adam, epochs: 1}
`;

const MIB = 1024 * 1024;
const VGG16 = readFileSync(join(__dirname, '../../examples/vgg16.cnn.yaml'), 'utf8');
const bytesOf = (e: ReturnType<typeof estimateTrainingMemory>, name: string): number => e.parts.find((p) => p.name.startsWith(name))?.bytes ?? 0;

describe('training-memory estimate', () => {
  it('adds up a small model counted by hand', () => {
    const a = analyzeModel(TINY);
    // Parameters: conv 4·(1·9 + 1) = 40, Linear 256·2 + 2 = 514 → 554 floats.
    const wasm = estimateTrainingMemory(a, { backend: 'wasm' });
    assert.equal(bytesOf(wasm, 'parameters'), 4 * 554);
    assert.equal(bytesOf(wasm, 'gradients'), 4 * 554);
    assert.equal(bytesOf(wasm, 'Adam state'), 2 * 4 * 554);
    assert.equal(bytesOf(wasm, 'best-weights'), 0, 'one epoch keeps no best-weights copy beside the weights');
    assert.equal(bytesOf(wasm, 'XNNPACK'), 4 * 36, 'the conv filter is packed; at batch ≤ 16 the Linear matrix is streamed');
    assert.equal(bytesOf(estimateTrainingMemory(a, { backend: 'wasm', batchSize: 17 }), 'XNNPACK'), 4 * (36 + 512), 'and packed above');
    // Per sample: the input (64) + values and gradients of the fused conv + bias + ReLU (256), Flatten 256, Linear 2.
    assert.equal(bytesOf(wasm, 'activations of 10 samples'), 10 * 4 * (64 + 2 * (256 + 256 + 2)));
    // im2col of the conv for the batch: 3·3·1 rows × 64 pixels × 10 samples, more than the largest weight (512).
    assert.equal(bytesOf(wasm, 'largest workspace'), 4 * 9 * 64 * 10);
    assert.equal(bytesOf(wasm, 'allocator slack'), 4 * 512, 'one hole the size of the largest weight');
    assert.equal(bytesOf(wasm, 'wasm runtime'), 48 * MIB);
    assert.equal(wasm.totalBytes, 4 * (554 * 4 + 36 + 10 * 1092 + 5760 + 512) + 48 * MIB);
    assert.ok(wasm.fits);

    const native = estimateTrainingMemory(a, { backend: 'native', machineBytes: 1024 * MIB });
    assert.equal(bytesOf(native, 'XNNPACK'), 0);
    assert.equal(bytesOf(native, 'allocator slack'), 0);
    assert.equal(bytesOf(native, 'largest workspace'), 4 * 9 * 64, "native: one sample's patch matrix");
    assert.equal(native.totalBytes, 4 * (554 * 4 + 10 * 1092 + 576) + 512 * MIB);
    assert.equal(native.limitBytes, 1024 * MIB);
  });

  it('with data-parallel workers: each heap at its shard\'s rows, the reduce\'s copies, no optimizer in the workers, the shared memory', () => {
    const a = analyzeModel(TINY);
    const e = estimateTrainingMemory(a, { backend: 'wasm', workers: 2 });
    // Batch 10 over 2 workers: shards of 5. This thread: the one-worker parts at 5 rows (im2col 9 · 64 · 5 = 2880
    // floats), plus the other worker's gradients and their sum (2 · 554).
    assert.equal(bytesOf(e, 'activations of 5 samples'), 5 * 4 * 1092);
    assert.equal(bytesOf(e, '1 other worker'), 2 * 4 * 554);
    assert.equal(e.totalBytes, 4 * (554 * 6 + 36 + 5 * 1092 + 2880 + 512) + 48 * MIB);
    // A worker: weights and gradients, no Adam state; the shared memory: weights + 1 gradient region.
    assert.deepEqual(e.workers, {
      count: 2,
      shardRows: 5,
      workerBytes: 4 * (554 * 2 + 36 + 5 * 1092 + 2880 + 512) + 48 * MIB,
      sharedBytes: 2 * 4 * 554,
      totalBytes: e.totalBytes + 4 * (554 * 2 + 36 + 5 * 1092 + 2880 + 512) + 48 * MIB + 2 * 4 * 554,
    });
    assert.match(memoryLine(e), /^≈ 48 MiB in this thread's heap at batch 10 split over 2 workers \(≤ 5 rows each\), 48 MiB in each other worker's, 5 KiB shared, 96 MiB in all, on wasm \(limit 4 GiB per heap\): fits, up to batch \d+$/);
    // Three workers: shards of at most 4 rows, two other workers' gradients and their sum; native backends run one.
    const three = estimateTrainingMemory(a, { backend: 'wasm', workers: 3 });
    assert.equal(three.workers?.shardRows, 4);
    assert.equal(bytesOf(three, '2 other workers'), 3 * 4 * 554);
    assert.equal(three.workers?.sharedBytes, 3 * 4 * 554);
    assert.equal(estimateTrainingMemory(a, { backend: 'native', workers: 2 }).workers, undefined);
  });

  it('refuses a batch whose shards do not fit a heap, and says how far the workers go', () => {
    const vgg = analyzeModel(VGG16.replace('classes: 1000', 'classes: 5').replace('Linear(4096, 1000)', 'Linear(4096, 5)') + 'train: {batch_size: 8, epochs: 1}\n');
    const one = estimateTrainingMemory(vgg, { backend: 'wasm' });
    const two = estimateTrainingMemory(vgg, { backend: 'wasm', workers: 2 });
    // Half the activations per heap, but the reduce's two gradient copies (2 × 528 MiB) in this thread's.
    assert.ok(two.totalBytes < one.totalBytes + 2 * 4 * vgg.totals.trainableParams);
    const fits = (batch: number) => estimateTrainingMemory(vgg, { backend: 'wasm', workers: 2, batchSize: batch }).fits;
    assert.ok(two.maxBatchSize > 0 && fits(two.maxBatchSize) && !fits(two.maxBatchSize + 1), `largest batch ${two.maxBatchSize}`);
    assert.match(memoryRefusal(estimateTrainingMemory(vgg, { backend: 'wasm', workers: 2, batchSize: two.maxBatchSize + 1 }), 'vgg16') ?? '', /in this thread's heap with 2 workers/);
  });

  it('BatchNorm keeps its output on wasm (its kernels reuse the input), also the normalised input written with ops', () => {
    const a = analyzeModel(TINY.replace('  - ReLU()\n', '  - BatchNorm2d(4)\n  - ReLU()\n'));
    const act = (backend: 'wasm' | 'native'): number => bytesOf(estimateTrainingMemory(a, { backend }), 'activations');
    // The conv no longer absorbs the ReLU (BatchNorm sits between): ReLU 256, BatchNorm 256 (+256 natively), ×2 for gradients.
    assert.equal(act('wasm'), 10 * 4 * (64 + 2 * (256 + 256 + 256 + 256 + 2)));
    assert.equal(act('native') - act('wasm'), 10 * 4 * 2 * 256);
  });

  it('counts only the optimizer state the rule keeps, and the best weights over several epochs (outside the wasm heap)', () => {
    const fiveEpochs = analyzeModel(TINY.replace('optimizer: adam, epochs: 1', 'optimizer: sgd, epochs: 5'));
    const sgd = estimateTrainingMemory(fiveEpochs, { backend: 'wasm' });
    assert.equal(sgd.parts.find((p) => /SGD|state/.test(p.name)), undefined, 'plain SGD keeps no state');
    assert.equal(bytesOf(sgd, 'best-weights'), 0, 'the wasm engine keeps the best weights in JavaScript memory');
    assert.equal(bytesOf(estimateTrainingMemory(fiveEpochs, { backend: 'native' }), 'best-weights'), 4 * 554);
    const momentum = estimateTrainingMemory(analyzeModel(TINY.replace('optimizer: adam', 'optimizer: sgd, momentum: 0.9')), { backend: 'wasm' });
    assert.equal(bytesOf(momentum, 'SGD momentum'), 4 * 554);
  });

  it('finds the largest batch that fits: VGG-16 at 224×224 on wasm', () => {
    const vgg = analyzeModel(VGG16.replace('classes: 1000', 'classes: 5').replace('Linear(4096, 1000)', 'Linear(4096, 5)') + 'train: {batch_size: 64, epochs: 1}\n');
    const e = estimateTrainingMemory(vgg, { backend: 'wasm' });
    assert.equal(e.limitBytes, WASM_HEAP_LIMIT);
    assert.ok(!e.fits);
    assert.ok(e.maxBatchSize >= 1 && e.maxBatchSize < 64);
    assert.ok(estimateTrainingMemory(vgg, { backend: 'wasm', batchSize: e.maxBatchSize }).fits);
    assert.ok(!estimateTrainingMemory(vgg, { backend: 'wasm', batchSize: e.maxBatchSize + 1 }).fits);
    const message = memoryRefusal(e, vgg.name) ?? '';
    assert.match(message, /^vgg16 needs about \d+\.\d\d GiB to train at batch_size 64, more than the wasm engine's 4 GiB address space/);
    assert.match(message, new RegExp(`set train\\.batch_size to ${e.maxBatchSize} or less`));
    assert.match(message, /smaller input/);
    assert.match(message, /--backend tensorflow/);
    assert.equal(memoryRefusal(estimateTrainingMemory(vgg, { backend: 'native', machineBytes: 1024 ** 4 }), vgg.name), null);
  });
});

describe('a run that cannot fit is refused before it starts', () => {
  it('runTraining throws MemoryLimitError with the advice and creates no run folder', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cnnlab-memory-'));
    try {
      const text = VGG16.replace('classes: 1000', 'classes: 5').replace('Linear(4096, 1000)', 'Linear(4096, 5)') + 'train: {batch_size: 64}\n';
      await assert.rejects(runTraining({ modelText: text, backend: 'wasm', outDir: out }), (err: unknown) => {
        assert.ok(err instanceof MemoryLimitError, String(err));
        assert.match(err.message, /4 GiB address space/);
        assert.match(err.message, /batch_size/);
        return true;
      });
      assert.equal(existsSync(join(out, 'vgg16')), false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('where the estimate is shown', () => {
  it('hover on train.batch_size gives the estimate per engine', () => {
    const text = VGG16 + 'train: {batch_size: 8}\n';
    const line = text.split('\n').findIndex((l) => l.startsWith('train:'));
    const hover = hoverAt(analyzeModel(text), new SourceText(text), { line, character: text.split('\n')[line].indexOf('batch_size') + 2 });
    assert.ok(hover);
    assert.match(hover.markdown, /\*\*Training memory\*\* ≈ [\d.]+ GiB at batch 8 on wasm \(limit 4 GiB\)/);
    assert.match(hover.markdown, /Native TensorFlow: ≈ [\d.]+ GiB at batch 8/);
  });

  it('the summary panel gets both engines, with advice when wasm cannot fit', () => {
    const vm = buildSummaryViewModel(analyzeModel(VGG16), 'file:///v', 'vgg16.cnn.yaml', 16 * 1024 ** 3);
    assert.deepEqual(vm.trainingMemory?.map((m) => m.backend), ['wasm', 'native']);
    const [wasm] = vm.trainingMemory ?? [];
    assert.equal(wasm.fits, false);
    assert.match(wasm.advice ?? '', /4 GiB/);
    assert.ok(wasm.parts.some((p) => p.name === 'Adam state'));
  });
});

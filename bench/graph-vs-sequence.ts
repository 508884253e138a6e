/**
 * Does a graph model train as fast per FLOP as a sequence? The same ResNet-style network written twice: with
 * `residual:` blocks (a sequence) and with named outputs and `add(h, x)` (a graph). Both have the same layers,
 * parameters and FLOPs (checked here from the core's analysis), so the ratio of their training rates is the
 * graph's speed per FLOP relative to the sequence's. The engine's own model and optimizer step, one batch of
 * random images in memory; runs alternate (sequence, graph, sequence, …) so machine load hits both alike, and the
 * ratio is also given per CPU-second (process.cpuUsage), which other people's work on a shared machine disturbs less.
 *
 *   npm run bench:graph [-- --steps 30] [--repeat 3] [--batch 32] [--backend wasm]
 */
import { analyzeModel } from '../src/model';
import type { ModelAnalysis } from '../src/model/types';
import { initBackend, isBackendChoice, type TF } from '../src/trainer/backend/index';
import { computeLoss } from '../src/trainer/engine/losses';
import { buildModel } from '../src/trainer/engine/model';
import { createOptimizer } from '../src/trainer/engine/optimizers';
import type { Tensor1D, Tensor4D } from '../src/trainer/engine/tf';
import { flagOr, median } from './cli';

const STEM = `input: [3, 32, 32]
layers:
  - Conv2d(3, 16, 3, padding=1, bias=False)
  - BatchNorm2d(16)
`;
const HEAD = `  - AdaptiveAvgPool2d(1)
  - Flatten()
  - Linear(16, 5)
`;
const BODY = `      - Conv2d(16, 16, 3, padding=1, bias=False)
      - BatchNorm2d(16)
      - ReLU()
      - Conv2d(16, 16, 3, padding=1, bias=False)
      - BatchNorm2d(16)
`;
const BLOCKS = 3;

/** `residual:` blocks, each followed by ReLU (as examples/resnet-mini.cnn.yaml). */
const SEQUENCE = `name: residual-sequence\n${STEM}  - ReLU()\n${Array.from({ length: BLOCKS }, () => `  - residual:\n      layers:\n${BODY.replace(/^ {6}/gm, '          ')}  - ReLU()\n`).join('')}${HEAD}`;

/** The same network as a PyTorch forward() reads: x = relu(bn(conv(x)) + x). */
const GRAPH = `name: residual-graph\n${STEM}  - x = ReLU()\n${Array.from({ length: BLOCKS }, () => `${BODY.replace(/^ {6}/gm, '  ').replace(/- BatchNorm2d\(16\)\n$/, '- h = BatchNorm2d(16)\n')}  - add(h, x)\n  - x = ReLU()\n`).join('')}${HEAD}`;

function analysed(text: string): ModelAnalysis {
  const a = analyzeModel(text);
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${a.name}: ${errors.map((d) => `line ${d.range.start.line + 1}: ${d.message}`).join('; ')}`);
  return a;
}

/**
 * Training FLOPs of one sample: 2 per multiply-accumulate of the layers, forward plus the two backward products.
 * The sums are left out: the core counts a merge's but not a residual block's, and both models do the same sums.
 */
const trainingFlops = (a: ModelAnalysis): number => 2 * 3 * a.layers.reduce((sum, l) => sum + l.macs, 0);

/** Samples/s of `steps` Adam steps on one fixed batch, after 3 warm-up steps. */
function measure(tf: TF, analysis: ModelAnalysis, steps: number, batch: number): { samplesPerSecond: number; samplesPerCpuSecond: number; loss: number } {
  const model = buildModel(tf, analysis.graph, 1);
  const optimizer = createOptimizer(tf, { optimizer: 'adam', momentum: 0, nesterov: false, weight_decay: 0 }, model.params);
  const vars = model.params.map((p) => p.variable);
  const x = tf.randomUniform([batch, 32, 32, 3], -1, 1, 'float32', 7) as Tensor4D;
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 5), 'int32') as Tensor1D;
  const step = (): number => {
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => computeLoss(tf, 'cross_entropy', model.apply(x, true), y), vars);
      optimizer.step(grads, 1e-3);
      return value;
    });
    const v = loss.dataSync()[0];
    loss.dispose();
    return v;
  };
  for (let i = 0; i < 3; i++) step();
  let loss = NaN;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) loss = step();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return { samplesPerSecond: (steps * batch) / seconds, samplesPerCpuSecond: (steps * batch) / ((cpu.user + cpu.system) / 1e6), loss };
}

async function main(): Promise<void> {
  const steps = Number(flagOr('steps', '30'));
  const repeat = Number(flagOr('repeat', '3'));
  const batch = Number(flagOr('batch', '32'));
  const choice = flagOr('backend', 'wasm');
  if (!isBackendChoice(choice)) throw new Error(`unknown backend ${choice}`);
  const { tf, description } = await initBackend(choice);
  const sequence = analysed(SEQUENCE);
  const graph = analysed(GRAPH);
  const [fs, fg] = [trainingFlops(sequence), trainingFlops(graph)];
  if (sequence.totals.params !== graph.totals.params || fs !== fg) throw new Error(`the two models differ: ${sequence.totals.params} vs ${graph.totals.params} parameters, ${fs} vs ${fg} FLOPs`);
  console.log(`backend: ${description}; batch ${batch}, ${steps} steps per run`);
  console.log(`${BLOCKS} residual blocks, ${sequence.totals.params} parameters; ${(fs / 1e6).toFixed(2)} training MFLOP per sample in both`);
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const s = measure(tf, sequence, steps, batch);
    const g = measure(tf, graph, steps, batch);
    const ratio = (g.samplesPerSecond * fg) / (s.samplesPerSecond * fs);
    const cpuRatio = (g.samplesPerCpuSecond * fg) / (s.samplesPerCpuSecond * fs);
    ratios.push(ratio);
    cpuRatios.push(cpuRatio);
    console.log(
      `run ${r + 1}: sequence ${s.samplesPerSecond.toFixed(0)} samples/s (loss ${s.loss.toFixed(3)}) | graph ${g.samplesPerSecond.toFixed(0)} samples/s (loss ${g.loss.toFixed(3)}) | graph / sequence per FLOP ${ratio.toFixed(3)}×, per CPU-second ${cpuRatio.toFixed(3)}×`,
    );
  }
  console.log(JSON.stringify({ backend: description, batch, steps, flopsPerSample: fs, ratioPerRun: ratios.map((r) => +r.toFixed(3)), ratioMedian: +median(ratios).toFixed(3), cpuSecondRatioPerRun: cpuRatios.map((r) => +r.toFixed(3)), cpuSecondRatioMedian: +median(cpuRatios).toFixed(3) }));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

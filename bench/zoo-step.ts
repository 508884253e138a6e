/**
 * `npm run bench:speed -- --model resnet18`: forward and backward passes of a zoo model (examples/zoo/NAME.cnn.yaml)
 * at 224×224 on our engine against torchvision's model in PyTorch with one thread and with all threads, in the same
 * run. Both: random weights and images, train mode (BatchNorm on batch statistics), cross-entropy against fixed
 * labels, gradients of every parameter (no optimizer step), two warm-up steps then --steps timed ones of --batch
 * images. PyTorch's side is bench/torch-zoo-step.py.
 */
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeModel } from '../src/model';
import { initBackend, type BackendChoice } from '../src/trainer/backend/index';
import { computeLoss } from '../src/trainer/engine/losses';
import { buildModel } from '../src/trainer/engine/model';
import type { Tensor1D, Tensor4D } from '../src/trainer/engine/tf';
import { lastJsonLine } from './childJson';

const PYTHON = process.env.CNNLAB_PYTHON ?? '/usr/bin/python3';

interface StepRate {
  imagesPerSecond: number;
  imagesPerCpuSecond: number;
}

async function measureOurs(name: string, batch: number, steps: number, backend: BackendChoice): Promise<StepRate & { description: string; size: number }> {
  const analysis = analyzeModel(readFileSync(resolve(__dirname, '..', 'examples', 'zoo', `${name}.cnn.yaml`), 'utf8'));
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${name}: ${errors.map((d) => d.message).join('; ')}`);
  const [, size] = analysis.input;
  const { tf, description } = await initBackend(backend);
  const model = buildModel(tf, analysis.graph, 1);
  const vars = model.params.map((p) => p.variable);
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 7) as Tensor4D;
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 37) % analysis.outputShape[0]), 'int32') as Tensor1D;
  const step = (): void => {
    const loss = tf.tidy(() => tf.variableGrads(() => computeLoss(tf, 'cross_entropy', model.apply(x, true), y), vars).value);
    loss.dataSync();
    loss.dispose();
  };
  for (let i = 0; i < 2; i++) step();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  tf.dispose([x, y]);
  model.dispose();
  return { imagesPerSecond: (steps * batch) / seconds, imagesPerCpuSecond: (steps * batch) / ((cpu.user + cpu.system) / 1e6), description, size };
}

export async function zooSpeed(name: string, batch: number, steps: number, backend: BackendChoice): Promise<void> {
  const ours = await measureOurs(name, batch, steps, backend);
  const torch = (threads: number) => lastJsonLine<StepRate & { threads: number }>(PYTHON, [resolve(__dirname, 'torch-zoo-step.py'), name, String(ours.size), String(batch), String(steps), String(threads)]);
  const one = torch(1);
  const all = torch(cpus().length);
  const line = (label: string, r: StepRate) => `  ${label.padEnd(22)} ${r.imagesPerSecond.toFixed(2).padStart(7)} images/s wall, ${r.imagesPerCpuSecond.toFixed(2).padStart(7)} per CPU-second`;
  console.log(`${name} at ${ours.size}×${ours.size}, forward + backward, batch ${batch}, ${steps} timed steps`);
  console.log(line(`CNN Lab (${ours.description.split(' +')[0]})`, ours));
  console.log(line(`PyTorch, 1 thread`, one));
  console.log(line(`PyTorch, ${all.threads} threads`, all));
  console.log(`  ratio CNN Lab / PyTorch 1 thread: ${(ours.imagesPerSecond / one.imagesPerSecond).toFixed(2)}× wall, ${(ours.imagesPerCpuSecond / one.imagesPerCpuSecond).toFixed(2)}× per CPU-second`);
  console.log(`  ratio CNN Lab / PyTorch ${all.threads} threads: ${(ours.imagesPerSecond / all.imagesPerSecond).toFixed(2)}× wall, ${(ours.imagesPerCpuSecond / all.imagesPerCpuSecond).toFixed(2)}× per CPU-second`);
  const r3 = (v: number) => +v.toFixed(3);
  console.log(JSON.stringify({ model: name, size: ours.size, batch, steps, backend: ours.description, ours: { imagesPerSecond: r3(ours.imagesPerSecond), imagesPerCpuSecond: r3(ours.imagesPerCpuSecond) }, torch1: one, torchAll: all, ratio1: r3(ours.imagesPerSecond / one.imagesPerSecond), ratioAll: r3(ours.imagesPerSecond / all.imagesPerSecond) }));
}

/**
 * Winograd F(2×2, 3×3) (src/trainer/kernels/winograd.ts) against the path it replaces (XNNPACK's direct convolution,
 * forward and input gradient) on the 3×3 stride-1 layers of the BN example (batch 64) and of ResNet-18 (batch 4,
 * 224×224): CPU milliseconds per call (process.cpuUsage, so a loaded machine does not skew the ratio), best of N.
 *
 *   node --import tsx bench/winograd-bench.ts [--reps 5]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/trainer/backend/index';
import { setSimdKernelsEnabled } from '../src/trainer/kernels/simd/simd-kernels';

type Shape4D = [number, number, number, number];
const repsFlag = process.argv.indexOf('--reps');
const REPS = repsFlag >= 0 ? Number(process.argv[repsFlag + 1]) : 5;

const LAYERS: Array<[string, Shape4D, number]> = [
  ['BN conv1 1→16 28×28', [64, 28, 28, 1], 16],
  ['3→16 32×32', [64, 32, 32, 3], 16],
  ['4→8 28×28', [64, 28, 28, 4], 8],
  ['8→8 28×28', [64, 28, 28, 8], 8],
  ['8→16 28×28', [64, 28, 28, 8], 16],
  ['16→4 28×28', [64, 28, 28, 16], 4],
  ['BN conv2 16→16 28×28', [64, 28, 28, 16], 16],
  ['BN conv3 16→32 14×14', [64, 14, 14, 16], 32],
  ['BN conv4 32→32 14×14', [64, 14, 14, 32], 32],
  ['ResNet-18 layer1 64 56×56', [4, 56, 56, 64], 64],
  ['ResNet-18 layer2 128 28×28', [4, 28, 28, 128], 128],
  ['ResNet-18 layer3 256 14×14', [4, 14, 14, 256], 256],
  ['ResNet-18 layer4 512 7×7', [4, 7, 7, 512], 512],
];

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Best CPU time of REPS runs of `kernel` (after one warm-up). */
function best(kernel: string, inputs: tf.NamedTensorMap, attrs: object): number {
  let min = Infinity;
  for (let r = 0; r <= REPS; r++) {
    const t0 = cpuMs();
    const out = tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor; // wasm kernels run synchronously
    const t = cpuMs() - t0;
    out.dispose();
    if (r > 0) min = Math.min(min, t);
  }
  return min;
}

async function main(): Promise<void> {
  await initBackend('wasm');
  console.log(`CPU ms per call, best of ${REPS}           forward: XNNPACK  Winograd     dx: XNNPACK  Winograd`);
  for (const [name, x, co] of LAYERS) {
    const input = tf.randomNormal(x);
    const filter = tf.randomNormal([3, 3, x[3], co]);
    const dy = tf.randomNormal([x[0], x[1], x[2], co]);
    const fwd = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation: 'linear' };
    const bwd = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: x };
    const times: number[] = [];
    for (const winograd of [false, true]) {
      setSimdKernelsEnabled(winograd);
      times.push(best('FusedConv2D', { x: input, filter }, fwd));
    }
    for (const winograd of [false, true]) {
      setSimdKernelsEnabled(winograd);
      times.push(best('Conv2DBackpropInput', { dy, filter }, bwd));
    }
    setSimdKernelsEnabled(true);
    const [f0, f1, b0, b1] = times as [number, number, number, number];
    console.log(`${name.padEnd(30)} ${f0.toFixed(2).padStart(16)} ${f1.toFixed(2).padStart(9)} ${(f0 / f1).toFixed(2)}× ${b0.toFixed(2).padStart(11)} ${b1.toFixed(2).padStart(9)} ${(b0 / b1).toFixed(2)}×`);
    tf.dispose([input, filter, dy]);
  }
}

void main();

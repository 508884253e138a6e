/**
 * Winograd (src/trainer/kernels/winograd.ts) against the paths it replaces (XNNPACK's direct convolution for the
 * forward pass and the input gradient, our direct SIMD kernel for the filter gradient) on the 3×3 stride-1 layers
 * of the BN example (batch 64) and of ResNet-18 (batch 4, 224×224): CPU milliseconds per call (process.cpuUsage, so a loaded machine does not skew the ratio), best of N.
 *
 *   node --import tsx bench/winograd-bench.ts [--reps 5]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/trainer/backend/index';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, setSimdKernelsEnabled, simdKernels, type SimdKernels } from '../src/trainer/kernels/simd/simd-kernels';

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

/** Calls before timing: V8 first runs a wasm function in its baseline compiler and swaps in the optimised code later. */
const WARMUP = 3;

/** Best CPU time of REPS runs of `run` (after the warm-up). */
function bestOf(run: () => void): number {
  let min = Infinity;
  for (let r = 0; r < WARMUP + REPS; r++) {
    const t0 = cpuMs();
    run();
    const t = cpuMs() - t0;
    if (r >= WARMUP) min = Math.min(min, t);
  }
  return min;
}

/** Best CPU time of REPS runs of `kernel` (wasm kernels run synchronously). */
const best = (kernel: string, inputs: tf.NamedTensorMap, attrs: object): number =>
  bestOf(() => (tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor).dispose());

async function main(): Promise<void> {
  await initBackend('wasm');
  const simd = simdKernels(tf.backend() as BackendWasm) as SimdKernels;
  console.log(`CPU ms per call, best of ${REPS}           forward: XNNPACK  Winograd     dx: XNNPACK  Winograd     dW: direct  Winograd`);
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
    const info = tf.backend_util.computeConv2DInfo(x, [3, 3, x[3], co], 1, 1, 'same');
    const dw = tf.zeros([3, 3, x[3], co]);
    times.push(bestOf(() => simd.conv2dFilterGrad(input, dy, dw, convGeometry(info))));
    times.push(best('Conv2DBackpropFilter', { x: input, dy }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, x[3], co] }));
    dw.dispose();
    const [f0, f1, b0, b1, w0, w1] = times as [number, number, number, number, number, number];
    const pair = (a: number, b: number, width: number): string => `${a.toFixed(2).padStart(width)} ${b.toFixed(2).padStart(9)} ${(a / b).toFixed(2)}×`;
    console.log(`${name.padEnd(30)} ${pair(f0, f1, 16)} ${pair(b0, b1, 11)} ${pair(w0, w1, 10)}`);
    tf.dispose([input, filter, dy]);
  }
}

void main();

/**
 * The reference CNN of /work/shared/peer/torch_reference.py written directly with tfjs ops (NHWC), its
 * training FLOPs, and the Fashion-MNIST data it trains on. Shared by the benchmarks in this folder.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { TF } from '../src/trainer/backend/index';
import type * as tfc from '@tensorflow/tfjs-core';

export const FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
export const BATCH = 64;

/** Training images (normalised to [-1, 1] like the peer: (x/255 − 0.5)/0.5) and labels, first `n`. */
export function loadFashionMnist(n: number, dir = FASHION_MNIST): { x: Float32Array; y: Int32Array } {
  const images = gunzipSync(readFileSync(`${dir}/train-images-idx3-ubyte.gz`));
  const labels = gunzipSync(readFileSync(`${dir}/train-labels-idx1-ubyte.gz`));
  const count = Math.min(n, images.readUInt32BE(4));
  const x = new Float32Array(count * 784);
  for (let i = 0; i < x.length; i++) x[i] = (images[16 + i] as number) / 127.5 - 1;
  return { x, y: Int32Array.from(labels.subarray(8, 8 + count)) };
}

/** Layer geometry of the reference CNN, for the FLOP count. */
const CONVS = [
  { h: 28, w: 28, cin: 1, cout: 16, k: 3, first: true },
  { h: 14, w: 14, cin: 16, cout: 32, k: 3, first: false },
];
const DENSES = [
  { nin: 1568, nout: 128, first: false },
  { nin: 128, nout: 10, first: false },
];

/**
 * Multiply-add FLOPs (2 per MAC) of one training sample: forward, weight gradient and input gradient of
 * every conv/dense layer (no input gradient for the first layer); pooling, ReLU and Adam are ignored.
 */
export function trainingFlopsPerSample(): number {
  let flops = 0;
  for (const c of CONVS) flops += 2 * c.h * c.w * c.cout * c.k * c.k * c.cin * (c.first ? 2 : 3);
  for (const d of DENSES) flops += 2 * d.nin * d.nout * (d.first ? 2 : 3);
  return flops;
}

/** The model's variables, PyTorch-style uniform(±1/√fan_in) initialisation. */
export function createWeights(tf: TF): tfc.Variable[] {
  const u = (shape: number[], fanIn: number): tfc.Variable => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn), 'float32', 1));
  return [u([3, 3, 1, 16], 9), u([16], 9), u([3, 3, 16, 32], 144), u([32], 144), u([1568, 128], 1568), u([128], 1568), u([128, 10], 128), u([10], 128)];
}

/** Logits of the reference CNN, with ops the trainer's model builder uses (fused conv/matMul with bias). */
export function forward(tf: TF, w: tfc.Variable[], x: tfc.Tensor4D, training: boolean): tfc.Tensor2D {
  const [c1, b1, c2, b2, d1, e1, d2, e2] = w as unknown as [tfc.Tensor4D, tfc.Tensor1D, tfc.Tensor4D, tfc.Tensor1D, tfc.Tensor2D, tfc.Tensor1D, tfc.Tensor2D, tfc.Tensor1D];
  let h = tf.maxPool(tf.relu(tf.fused.conv2d({ x, filter: c1, strides: 1, pad: 'same', bias: b1 })), 2, 2, 'valid');
  h = tf.maxPool(tf.relu(tf.fused.conv2d({ x: h, filter: c2, strides: 1, pad: 'same', bias: b2 })), 2, 2, 'valid');
  let f = tf.relu(tf.fused.matMul({ a: tf.reshape(h, [x.shape[0], 1568]), b: d1, bias: e1 }) as tfc.Tensor2D) as tfc.Tensor2D;
  if (training) f = tf.dropout(f, 0.5) as tfc.Tensor2D;
  return tf.fused.matMul({ a: f, b: d2, bias: e2 }) as tfc.Tensor2D;
}

/** One Adam step on a batch; returns the loss. */
export function trainStep(tf: TF, opt: tfc.Optimizer, w: tfc.Variable[], x: tfc.Tensor4D, labels: tfc.Tensor1D): number {
  const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), forward(tf, w, x, true)) as tfc.Scalar, true, w);
  const value = loss?.dataSync()[0] ?? NaN;
  loss?.dispose();
  return value;
}

/** Batch `i` of the data as tensors (caller disposes). */
export function batchAt(tf: TF, data: { x: Float32Array; y: Int32Array }, i: number): { x: tfc.Tensor4D; y: tfc.Tensor1D } {
  const n = data.y.length;
  const start = (i * BATCH) % n;
  const end = Math.min(start + BATCH, n);
  return {
    x: tf.tensor4d(data.x.subarray(start * 784, end * 784), [end - start, 28, 28, 1]),
    y: tf.tensor1d(data.y.subarray(start, end), 'int32'),
  };
}

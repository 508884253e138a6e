/**
 * Completes the wasm backend for training: registers the gradient kernels it lacks and replaces the ones
 * that are far slower than they need to be. Kernels, not gradients, are overridden, because fused ops
 * bypass gradient overrides. The hottest loops run in our own WebAssembly SIMD module (simd/), on the backend's
 * memory; each kernel keeps a JavaScript path for where that module cannot load.
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import type { TF } from '../backend/index';
import { batchMatMulConfig } from './batch-mat-mul';
import { fusedMatMulConfig } from './fused-mat-mul';
import { BATCH_NORM_EVAL, BATCH_NORM_GRAD, BATCH_NORM_TRAIN, batchNormConfigs, batchNormGradients } from './batch-norm';
import { addConfig } from './bias-add';
import { multiplyConfig } from './channel-scale';
import { conv2DBackpropFilterConfig, conv2DBackpropInputConfig } from './conv2d-backprop';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop';
import { maxPoolGradConfig } from './max-pool-grad';
import { OPTIMIZER_STEP, optimizerStepConfig } from './optimizer-step';
import { sumConfig } from './sum';
import { fusedConv2DConfig } from './winograd';
import { castConfig, identityConfig } from './zero-copy';
import { captureWasmKernels } from './wasm-ops';

/** Why each kernel is ours, for logs and the benchmark. */
export const TRAINING_KERNELS: Readonly<Record<string, string>> = {
  Conv2DBackpropFilter: 'missing from tfjs-backend-wasm (tfjs #8474): direct SIMD sum of x·dy (no XNNPACK weight packing), else XNNPACK convolution of transposed x and dy, or im2col + XNNPACK matmul',
  Conv2DBackpropInput: 'built-in is a scalar loop: Winograd F(4×4, 3×3) for 3×3 stride 1 from 3 output channels (SIMD), else XNNPACK convolution with the flipped filter (stride 1), XNNPACK matmul + col2im (strided)',
  BatchMatMul: 'built-in only uses XNNPACK without transposes: SIMD dot products for a·bᵀ, else explicit transpose + XNNPACK',
  FusedConv2D: 'XNNPACK convolves directly, at its SIMD roofline: Winograd F(4×4, 3×3) (4× fewer multiplications) for 3×3 stride 1 from 3 input channels',
  _FusedMatMul: 'built-in packs a copy of the weights (XNNPACK) kept until they are freed: for up to 16 rows, SIMD product streaming the weights in place',
  MaxPoolGrad: 'built-in is slow: branch-free (SIMD) pass for MaxPool2d(2), channel-vectorised arg-max scatter otherwise',
  DepthwiseConv2dNativeBackpropFilter: 'missing from tfjs-backend-wasm: direct loops',
  DepthwiseConv2dNativeBackpropInput: 'missing from tfjs-backend-wasm: direct loops',
  Identity: 'built-in copies (fused ops clone their activations for the backward pass): shared reference',
  Cast: 'built-in copies even to the same dtype: shared reference then',
  [OPTIMIZER_STEP]: 'not a tfjs kernel: one fused pass (SIMD for Adam/AdamW) per parameter for the SGD/Adam/AdamW/RMSprop update instead of ~10 element-wise kernels',
  Add: 'built-in broadcasts a channel bias with a generic loop: SIMD row stream for [..., C] + [C]',
  Multiply: "built-in broadcasts Dropout2d's per-image channel mask with a generic loop: SIMD pixel stream for [N, H, W, C] · [N, 1, 1, C]",
  [BATCH_NORM_TRAIN]: 'not a tfjs kernel: BatchNorm with batch statistics in two passes (float64 moments, one normalising pass) instead of ~5 element-wise kernels and 2 sums',
  [BATCH_NORM_GRAD]: "not a tfjs kernel: BatchNorm's backward pass in two passes instead of ~5 element-wise kernels and 2 sums",
  [BATCH_NORM_EVAL]: 'not a tfjs kernel: BatchNorm with running statistics in one pass instead of 4 element-wise kernels',
  Sum: 'built-in transposes before reducing leading axes (bias gradients): (SIMD) row sums in memory order',
};

/** Per tfjs instance: the built-in kernel configs our registration replaced. */
const replaced = new WeakMap<object, Map<string, KernelConfig>>();

/**
 * Registers CNN Lab's training kernels on the wasm backend of `tf` (idempotent). Call after the wasm
 * backend is registered; an overridden kernel keeps the original's setup function so the backend's own
 * initialisation (which wires its C++ functions) still runs whichever comes first.
 */
export function registerTrainingKernels(tf: TF): void {
  if (replaced.has(tf)) return;
  const originals = captureWasmKernels(tf);
  const builtIns = new Map<string, KernelConfig>();
  const configs: KernelConfig[] = [
    conv2DBackpropFilterConfig(originals),
    conv2DBackpropInputConfig(originals),
    batchMatMulConfig(originals),
    fusedMatMulConfig(originals),
    fusedConv2DConfig(originals),
    maxPoolGradConfig(),
    depthwiseBackpropFilterConfig(),
    depthwiseBackpropInputConfig(),
    identityConfig(originals),
    castConfig(originals),
    sumConfig(originals),
    optimizerStepConfig(),
    addConfig(originals),
    multiplyConfig(originals),
    ...batchNormConfigs(),
  ];
  for (const config of configs) {
    const original = tf.getKernel(config.kernelName, 'wasm');
    if (original) {
      builtIns.set(config.kernelName, original);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel({ ...config, setupFunc: original?.setupFunc, disposeFunc: original?.disposeFunc });
  }
  // Our forward kernels are not tfjs's: without their gradients, differentiating a model through them would fail.
  for (const gradient of batchNormGradients(tf)) tf.registerGradient(gradient);
  replaced.set(tf, builtIns);
}

/** The built-in wasm kernels that `registerTrainingKernels` replaced in `tf` (empty before it ran). */
export function trainingKernelOriginals(tf: TF): ReadonlyMap<string, KernelConfig> {
  return replaced.get(tf) ?? new Map();
}

/**
 * Puts the wasm backend's own kernels back (benchmarks compare before/after; tests use it to reach the
 * built-ins). Missing kernels stay registered, since without them training cannot run at all.
 */
export function restoreWasmKernels(tf: TF, originals: ReadonlyMap<string, KernelConfig>): void {
  for (const [name, config] of originals) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
  }
  replaced.delete(tf);
}

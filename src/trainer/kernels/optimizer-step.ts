/**
 * One optimizer update of one parameter as a single kernel: torch.optim's SGD (momentum, nesterov), Adam,
 * AdamW and RMSprop (1.13 formulas) in one pass over the wasm heap. Written with tfjs ops the same update
 * is about ten element-wise kernels per variable, each a full pass over memory plus the engine's dispatch;
 * fused it is one read of (param, grad, state) and one write of the results. Adam and AdamW run in our SIMD
 * kernel (simd/training-kernels.c) when it loads; the JavaScript loop below is the same update.
 *
 * The kernel returns the new parameter as a fresh tensor (XNNPACK caches a packed copy of each weight tensor, so a
 * weight must never change in place), and the state updated in place when nothing but the optimizer's variable
 * holds it: for VGG-16's 103-million-weight layer that spares two 392 MiB copies at the step's peak. Other state is
 * returned as fresh tensors, unused state as a shared reference; the optimizer assigns them to its variables.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { optimizerStateSlots } from '../../model/memory/estimate';
import { simdKernels, type AdamConstants } from './simd/simd-kernels';
import { asWasm, f32, inputsOf } from './wasm-ops';

/** The kernel's name (inputs `param`, `grad`, `a`, `b`; outputs [param, a, b]). */
export const OPTIMIZER_STEP = 'CnnlabOptimizerStep';

/** Which update, and its hyper-parameters as torch names them. */
export interface OptimizerStepAttrs {
  rule: 'sgd' | 'adam' | 'adamw' | 'rmsprop';
  lr: number;
  /** 1-based step count (Adam's bias correction). */
  t: number;
  weightDecay: number;
  /** SGD / RMSprop momentum. */
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  eps: number;
  /** RMSprop's smoothing constant. */
  alpha: number;
}

/** The state each rule updates: `a` is momentum / first moment, `b` the square average (the core's rule). */
function stateUsed(s: OptimizerStepAttrs): { a: boolean; b: boolean } {
  return optimizerStateSlots({ optimizer: s.rule, momentum: s.momentum });
}

/**
 * State under TINY, and gradients under TINY_GRADIENT (whose square would be), are stored as 0: a state that decays
 * every step (Adam's m, a momentum buffer, of a parameter whose gradient stays 0) otherwise turns subnormal, and
 * each subnormal costs x86 a microcode assist: Adam's kernel took three times as long from the second epoch on.
 * The step changes by under lr·1e-8, below float32's resolution of a weight (training-kernels.c's adam_step too).
 */
const TINY = 1e-30;
const TINY_GRADIENT = 1e-16;

/** x, or 0 when its magnitude is under `below` (NaN kept, so divergence is still seen). */
function flush(x: number, below: number): number {
  return Math.abs(x) < below ? 0 : x;
}

/**
 * The update on plain arrays (the kernel's JavaScript path): reads p, g, a, b and writes p2, a2, b2 (which alias a
 * and b when the state is not used, and are then not written).
 */
function optimizerStep(s: OptimizerStepAttrs, p: Float32Array, g: Float32Array, a: Float32Array, b: Float32Array, p2: Float32Array, a2: Float32Array, b2: Float32Array): void {
  const n = p.length;
  const { lr, weightDecay: wd, momentum: mom } = s;
  switch (s.rule) {
    case 'sgd':
      for (let i = 0; i < n; i++) {
        const pi = p[i] as number;
        let d = (g[i] as number) + wd * pi;
        if (mom !== 0) {
          const buf = flush(mom * (a[i] as number) + d, TINY); // the buffer starts at zero, so step 1 stores d as torch does
          a2[i] = buf;
          d = s.nesterov ? d + mom * buf : buf;
        }
        p2[i] = pi - lr * d;
      }
      return;
    case 'adam':
    case 'adamw': {
      const { beta1, beta2, eps, stepSize, rootBc2, shrink, coupled } = adamConstants(s);
      for (let i = 0; i < n; i++) {
        const pi = p[i] as number;
        const gi = flush((g[i] as number) + coupled * pi, TINY_GRADIENT);
        const m = flush(beta1 * (a[i] as number) + (1 - beta1) * gi, TINY);
        const v = flush(beta2 * (b[i] as number) + (1 - beta2) * gi * gi, TINY);
        a2[i] = m;
        b2[i] = v;
        p2[i] = pi * shrink - (stepSize * m) / (Math.sqrt(v) / rootBc2 + eps);
      }
      return;
    }
    case 'rmsprop': {
      const { alpha, eps } = s;
      for (let i = 0; i < n; i++) {
        const pi = p[i] as number;
        const gi = flush((g[i] as number) + wd * pi, TINY_GRADIENT);
        const sq = flush(alpha * (b[i] as number) + (1 - alpha) * gi * gi, TINY);
        b2[i] = sq;
        let d = gi / (Math.sqrt(sq) + eps);
        if (mom > 0) {
          d = flush(mom * (a[i] as number) + d, TINY);
          a2[i] = d;
        }
        p2[i] = pi - lr * d;
      }
    }
  }
}

/** Adam's per-step constants: torch's bias corrections, and weight decay coupled (Adam) or decoupled (AdamW). */
function adamConstants(s: OptimizerStepAttrs): AdamConstants {
  const decoupled = s.rule === 'adamw';
  return {
    beta1: s.beta1,
    beta2: s.beta2,
    eps: s.eps,
    stepSize: s.lr / (1 - s.beta1 ** s.t),
    rootBc2: Math.sqrt(1 - s.beta2 ** s.t),
    shrink: decoupled ? 1 - s.lr * s.weightDecay : 1,
    coupled: decoupled ? 0 : s.weightDecay,
  };
}

function share(backend: ReturnType<typeof asWasm>, t: TensorInfo): TensorInfo {
  backend.incRef(t.dataId);
  return { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
}

/** The state's new value: the same buffer when only the optimizer's variable holds it, else a fresh tensor. */
function stateOutput(wasm: ReturnType<typeof asWasm>, t: TensorInfo, used: boolean, shape: number[]): TensorInfo {
  return !used || wasm.refCount(t.dataId) === 1 ? share(wasm, t) : wasm.makeOutput(shape, 'float32');
}

/** The wasm kernel: a fresh parameter, state updated in place (or fresh when shared), unused state passed through. */
export function optimizerStepConfig(): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const wasm = asWasm(backend);
    const { param, grad, a, b } = inputsOf(inputs, 'param', 'grad', 'a', 'b');
    const s = attrs as unknown as OptimizerStepAttrs;
    const used = stateUsed(s);
    const p2 = wasm.makeOutput(param.shape, 'float32');
    const a2 = stateOutput(wasm, a, used.a, param.shape);
    const b2 = stateOutput(wasm, b, used.b, param.shape);
    const simd = simdKernels(wasm);
    if (simd && (s.rule === 'adam' || s.rule === 'adamw')) {
      simd.adamStep(param, grad, a, b, [p2, a2, b2], adamConstants(s));
      return [p2, a2, b2];
    }
    // Views after the last allocation: a growing heap detaches earlier ones.
    optimizerStep(s, f32(wasm, param), f32(wasm, grad), f32(wasm, a), f32(wasm, b), f32(wasm, p2), f32(wasm, a2), f32(wasm, b2));
    return [p2, a2, b2];
  };
  return { kernelName: OPTIMIZER_STEP, backendName: 'wasm', kernelFunc };
}

/** The attrs as tfjs's runKernel takes them. */
export function optimizerStepAttrs(s: OptimizerStepAttrs): NamedAttrMap {
  return s as unknown as NamedAttrMap;
}

/**
 * The WebAssembly SIMD kernels of training-kernels.c, instantiated on the wasm backend's own memory so that they
 * read and write tensors where they live. Plain JavaScript loops run 5–10× slower than these on the same data;
 * where the module cannot load (no SIMD, a shared-memory threaded build, CNNLAB_SIMD_KERNELS=0), callers keep their
 * JavaScript paths, which compute the same values.
 */
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { TRAINING_KERNELS_WASM } from './module';

/** The C functions' signatures: pointers are byte offsets into the backend's memory. */
interface Exports {
  conv2d_filter_grad(x: number, dy: number, dw: number, ...geometry: number[]): void;
  max_pool_grad_2x2(x: number, y: number, dy: number, dx: number, b: number, oh: number, ow: number, c: number): void;
  adam_step(p: number, g: number, m: number, v: number, p2: number, m2: number, v2: number, n: number, ...hyper: number[]): void;
  sum_rows(x: number, rows: number, inner: number, out: number): void;
  add_channel_bias(x: number, bias: number, out: number, rows: number, channels: number): void;
  matmul_nt(a: number, b: number, out: number, m: number, n: number, k: number): void;
  matmul_nn(a: number, b: number, bias: number, out: number, m: number, n: number, k: number, relu: number): void;
  channel_moments(x: number, rows: number, c: number, mean: number, variance: number, acc: number): void;
  batch_norm_grad_sums(dy: number, x: number, mean: number, scale: number, shift: number, rows: number, c: number, sumDy: number, sumDyXc: number, acc: number): void;
  channel_normalize(x: number, mean: number, scale: number, shift: number, out: number, rows: number, c: number, relu: number): void;
  batch_norm_input_grad(dy: number, x: number, mean: number, scale: number, shift: number, a: number, b: number, c: number, out: number, rows: number, channels: number): void;
  scale_channels_per_image(x: number, s: number, out: number, n: number, p: number, c: number): void;
  winograd_filter_3x3(w: number, u: number, ci: number, co: number, flip: number, f4: number): void;
  winograd_conv3x3(x: number, u: number, bias: number, y: number, v: number, m: number, ...geometry: number[]): void;
  winograd_filter_grad_3x3(x: number, dy: number, dw: number, v: number, z: number, acc: number, ...geometry: number[]): void;
}

/** A fused ReLU's forward scale and shift per channel: its input was (x − mean)·scale + shift. */
export type ReluScaleShift = [scale: TensorInfo, shift: TensorInfo];

/** Geometry of a convolution's filter gradient, NHWC / HWIO. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/** The geometry of tfjs's convolution info. */
export function convGeometry(info: backend_util.Conv2DInfo): ConvGeometry {
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Adam's per-step constants (see optimizer-step.ts). */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  eps: number;
  stepSize: number;
  rootBc2: number;
  shrink: number;
  coupled: number;
}

/** Typed entry points over tensors of one wasm backend. Each states the layouts it needs; callers check them. */
export interface SimdKernels {
  /** dW, overwritten; needs outChannels % 4 == 0. */
  conv2dFilterGrad(x: TensorInfo, dy: TensorInfo, dw: TensorInfo, g: ConvGeometry): void;
  /** MaxPool2d(2)'s dx (every element written); needs channels % 4 == 0. */
  maxPoolGrad2x2(x: TensorInfo, y: TensorInfo, dy: TensorInfo, dx: TensorInfo): void;
  adamStep(p: TensorInfo, g: TensorInfo, m: TensorInfo, v: TensorInfo, out: [TensorInfo, TensorInfo, TensorInfo], c: AdamConstants): void;
  /** Column sums of a [rows, inner] tensor; needs inner % 4 == 0. */
  sumRows(x: TensorInfo, rows: number, inner: number, out: TensorInfo): void;
  /** x + bias over the last axis of x; needs channels % 4 == 0. */
  addChannelBias(x: TensorInfo, bias: TensorInfo, out: TensorInfo, rows: number, channels: number): void;
  /** out[m, n] = a[m, k] · b[n, k]ᵀ. */
  matmulNT(a: TensorInfo, b: TensorInfo, out: TensorInfo, m: number, n: number, k: number): void;
  /** out[m, n] = a[m, k] · b[k, n] (+ bias[n], then ReLU); needs n % 4 == 0; b is read in place, never packed. */
  matmulNN(a: TensorInfo, b: TensorInfo, bias: TensorInfo | undefined, out: TensorInfo, m: number, n: number, k: number, relu: boolean): void;
  /** Per-channel mean and biased variance of a [rows, C] tensor; needs C % 4 == 0. */
  channelMoments(x: TensorInfo, rows: number, channels: number, mean: TensorInfo, variance: TensorInfo): void;
  /** Per-channel Σg and Σg·(x − mean), g = dy masked where a fused ReLU (its scale and shift, if given) stopped its input; needs C % 4 == 0. */
  batchNormGradSums(dy: TensorInfo, x: TensorInfo, mean: TensorInfo, relu: ReluScaleShift | undefined, rows: number, channels: number, sumDy: TensorInfo, sumDyXc: TensorInfo): void;
  /** out = (x − mean)·scale + shift per channel, then ReLU if `relu`; needs C % 4 == 0. */
  channelNormalize(x: TensorInfo, mean: TensorInfo, scale: TensorInfo, shift: TensorInfo, out: TensorInfo, rows: number, channels: number, relu: boolean): void;
  /** out = a·g + b·(x − mean) + c per channel, g as in batchNormGradSums; needs C % 4 == 0. */
  batchNormInputGrad(dy: TensorInfo, x: TensorInfo, mean: TensorInfo, relu: ReluScaleShift | undefined, coef: [TensorInfo, TensorInfo, TensorInfo], out: TensorInfo, rows: number, channels: number): void;
  /** out[n, p, c] = x[n, p, c]·scale[n, c] for x seen as [images, pixels, C]; needs C % 4 == 0. */
  scaleChannelsPerImage(x: TensorInfo, scale: TensorInfo, out: TensorInfo, images: number, pixels: number, channels: number): void;
  /**
   * u [16 or 36 (f4), INp, OUTp]: the Winograd F(2×2, 3×3) or F(4×4, 3×3) transform of an HWIO 3×3 filter, or with
   * `flip` of its input-gradient filter.
   */
  winogradFilter3x3(w: TensorInfo, u: TensorInfo, flip: boolean, f4: boolean): void;
  /** y = relu?(x ⋆ filter + bias), stride 1, from the transformed filter u, in blocks of `tiles` (% 4 == 0) through the scratch v, m. */
  winogradConv3x3(x: TensorInfo, u: TensorInfo, bias: TensorInfo | undefined, y: TensorInfo, scratch: [TensorInfo, TensorInfo], padTop: number, padLeft: number, tiles: number, relu: boolean, f4: boolean): void;
  /** dW of a 3×3 stride-1 convolution (overwritten) from x and dy, in blocks of `tiles` through the scratch v, z, acc. */
  winogradFilterGrad3x3(x: TensorInfo, dy: TensorInfo, dw: TensorInfo, scratch: [TensorInfo, TensorInfo, TensorInfo], padTop: number, padLeft: number, tiles: number, f4: boolean): void;
}

/** The few WebAssembly JS API members used here (the project's TypeScript libs declare no DOM/wasm globals). */
interface WasmApi {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const loaded = new WeakMap<BackendWasm, SimdKernels | null>();

/** Off only to measure or test the JavaScript paths (also off with CNNLAB_SIMD_KERNELS=0 in the environment). */
let enabled = process.env.CNNLAB_SIMD_KERNELS !== '0';

/** Turns the SIMD kernels on or off for every backend (benchmarks and tests compare both paths). */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** The kernels for this backend, or undefined when disabled or where the module cannot run on its memory. */
export function simdKernels(backend: BackendWasm): SimdKernels | undefined {
  if (!enabled) return undefined;
  let k = loaded.get(backend);
  if (k === undefined) {
    k = instantiate(backend);
    loaded.set(backend, k);
  }
  return k ?? undefined;
}

function instantiate(backend: BackendWasm): SimdKernels | null {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof wasmApi.Memory)) return null;
  try {
    const module = new wasmApi.Module(Buffer.from(TRAINING_KERNELS_WASM, 'base64'));
    const exports = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as Exports;
    return wrap(backend, exports);
  } catch {
    return null; // e.g. a threaded backend's shared memory, which this module does not declare
  }
}

function wrap(backend: BackendWasm, e: Exports): SimdKernels {
  const at = (t: TensorInfo): number => backend.dataIdMap.get(t.dataId)?.memoryOffset ?? fail(t);
  const geometry = (g: ConvGeometry): number[] => [g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels,
    g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth, g.padTop, g.padLeft];
  /** Runs `body` with the offset of float64 scratch for two sums per channel (the module keeps no memory of its own). */
  const withSums = (channels: number, body: (acc: number) => void): void => {
    const acc = backend.makeOutput([4 * channels], 'float32');
    try {
      body(at(acc));
    } finally {
      backend.disposeData(acc.dataId);
    }
  };
  return {
    conv2dFilterGrad(x, dy, dw, g) {
      e.conv2d_filter_grad(at(x), at(dy), at(dw), ...geometry(g));
    },
    maxPoolGrad2x2(x, y, dy, dx) {
      const [b, oh, ow, c] = y.shape as [number, number, number, number];
      e.max_pool_grad_2x2(at(x), at(y), at(dy), at(dx), b, oh, ow, c);
    },
    adamStep(p, g, m, v, [p2, m2, v2], c) {
      const n = p.shape.reduce((a, d) => a * d, 1);
      e.adam_step(at(p), at(g), at(m), at(v), at(p2), at(m2), at(v2), n, c.beta1, c.beta2, c.eps, c.stepSize, c.rootBc2, c.shrink, c.coupled);
    },
    sumRows(x, rows, inner, out) {
      e.sum_rows(at(x), rows, inner, at(out));
    },
    addChannelBias(x, bias, out, rows, channels) {
      e.add_channel_bias(at(x), at(bias), at(out), rows, channels);
    },
    matmulNT(a, b, out, m, n, k) {
      e.matmul_nt(at(a), at(b), at(out), m, n, k);
    },
    matmulNN(a, b, bias, out, m, n, k, relu) {
      // Offset 0 means no bias: the allocator never places a tensor there.
      e.matmul_nn(at(a), at(b), bias ? at(bias) : 0, at(out), m, n, k, relu ? 1 : 0);
    },
    channelMoments(x, rows, channels, mean, variance) {
      withSums(channels, (acc) => e.channel_moments(at(x), rows, channels, at(mean), at(variance), acc));
    },
    // Offset 0 means no fused ReLU, as for matmulNN's bias.
    batchNormGradSums(dy, x, mean, relu, rows, channels, sumDy, sumDyXc) {
      withSums(channels, (acc) => e.batch_norm_grad_sums(at(dy), at(x), at(mean), relu ? at(relu[0]) : 0, relu ? at(relu[1]) : 0, rows, channels, at(sumDy), at(sumDyXc), acc));
    },
    channelNormalize(x, mean, scale, shift, out, rows, channels, relu) {
      e.channel_normalize(at(x), at(mean), at(scale), at(shift), at(out), rows, channels, relu ? 1 : 0);
    },
    batchNormInputGrad(dy, x, mean, relu, [a, b, c], out, rows, channels) {
      e.batch_norm_input_grad(at(dy), at(x), at(mean), relu ? at(relu[0]) : 0, relu ? at(relu[1]) : 0, at(a), at(b), at(c), at(out), rows, channels);
    },
    scaleChannelsPerImage(x, scale, out, images, pixels, channels) {
      e.scale_channels_per_image(at(x), at(scale), at(out), images, pixels, channels);
    },
    winogradFilter3x3(w, u, flip, f4) {
      const [, , ci, co] = w.shape as [number, number, number, number];
      e.winograd_filter_3x3(at(w), at(u), ci, co, flip ? 1 : 0, f4 ? 1 : 0);
    },
    winogradConv3x3(x, u, bias, y, [v, m], padTop, padLeft, tiles, relu, f4) {
      const [b, h, w, ci] = x.shape as [number, number, number, number];
      const [, oh, ow, co] = y.shape as [number, number, number, number];
      e.winograd_conv3x3(at(x), at(u), bias ? at(bias) : 0, at(y), at(v), at(m), b, h, w, ci, oh, ow, co, padTop, padLeft, tiles, relu ? 1 : 0, f4 ? 1 : 0);
    },
    winogradFilterGrad3x3(x, dy, dw, [v, z, acc], padTop, padLeft, tiles, f4) {
      const [b, h, w, ci] = x.shape as [number, number, number, number];
      const [, oh, ow, co] = dy.shape as [number, number, number, number];
      e.winograd_filter_grad_3x3(at(x), at(dy), at(dw), at(v), at(z), at(acc), b, h, w, ci, oh, ow, co, padTop, padLeft, tiles, f4 ? 1 : 0);
    },
  };
}

function fail(t: TensorInfo): never {
  throw new Error(`tensor of shape [${t.shape}] is not in the wasm heap`);
}

/**
 * 3×3, stride-1 convolutions by Winograd's F(4×4, 3×3) algorithm (simd/training-kernels.c): 36 multiplications per
 * 4×4 outputs and channel pair instead of 144; F(2×2, 3×3) (16 per 2×2 instead of 36) past 256 input channels, where
 * F(4×4)'s float32 error (about 4e-6 of the output's scale at 16–64 channels, 9e-6 at 512) would pass 1e-5. XNNPACK's direct convolution already runs near this machine's wasm
 * SIMD roofline (no fused multiply-add in SIMD128), so only fewer multiplications make these layers faster. Used for
 * the forward pass (FusedConv2D, with its bias and ReLU), for the input gradient, which is the same convolution of
 * dy with the filter rotated 180° and its channels swapped (a stride-1 "full" correlation), and for the filter
 * gradient (the transposed algorithm: the same input transform, dy transformed by A, dW = Gᵀ M G).
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { SimdKernels } from './simd/simd-kernels';
import { simdKernels } from './simd/simd-kernels';
import { asWasm, inputsOf, release, type WasmKernels } from './wasm-ops';

type Conv2DInfo = backend_util.Conv2DInfo;
type Shape4D = [number, number, number, number];

/**
 * Tiles per block (v and m hold one block's transformed tiles): 64 keeps a block in L2 for the narrow layers and
 * reads the transformed filter once per 64 tiles for the wide ones (ResNet-18's 512 channels: 4 tiles took 2× longer).
 */
const BLOCK_TILES = 64;

const roundUp4 = (n: number): number => (n + 3) & ~3;

/**
 * Below 3 input channels (of the convolution Winograd runs: CI forward, CO for dx) the transforms cost more than the
 * multiplications they save: bench/winograd-bench.ts measured F(4×4) 1→16 at 0.55×, 3→16 at 1.28×, 4→8 at 1.34× and
 * 16→16 at 2.2× XNNPACK's speed (64 images of 28×28).
 */
const MIN_IN_CHANNELS = 3;

/** Input channels (rounded up to 4) up to which F(4×4, 3×3)'s error stays within 1e-5 of the output's scale. */
const MAX_F4_IN_CHANNELS = 256;

/** Whether Winograd computes this convolution (3×3, stride 1, no dilation) faster than XNNPACK. */
function winogradPays(info: Conv2DInfo, inChannels: number): boolean {
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const geometry = filterHeight === 3 && filterWidth === 3 && strideHeight === 1 && strideWidth === 1 && dilationHeight === 1 && dilationWidth === 1;
  return geometry && inChannels >= MIN_IN_CHANNELS;
}

/**
 * y [B, OH, OW, OUT] = relu?(x ⋆ filter + bias) for x [B, H, W, IN], zero padding padTop/padLeft (bottom and right
 * follow from the output size), filter [3, 3, IN, OUT] (HWIO), or with `flip` the input gradient's filter of an
 * HWIO filter [3, 3, OUT, IN].
 */
export function winogradConv(
  simd: SimdKernels, wasm: BackendWasm, x: TensorInfo, filter: TensorInfo, bias: TensorInfo | undefined,
  outShape: Shape4D, padTop: number, padLeft: number, relu: boolean, flip: boolean,
): TensorInfo {
  const inP = roundUp4(x.shape[3] as number);
  const outP = roundUp4(outShape[3]);
  const f4 = inP <= MAX_F4_IN_CHANNELS;
  const side = f4 ? 4 : 2; // outputs per tile side
  const elements = (side + 2) ** 2;
  const allTiles = outShape[0] * Math.ceil(outShape[1] / side) * Math.ceil(outShape[2] / side);
  const tiles = Math.min(BLOCK_TILES, roundUp4(allTiles));
  const u = wasm.makeOutput([elements, inP, outP], 'float32');
  const v = wasm.makeOutput([elements, tiles * inP + 16], 'float32');
  const m = wasm.makeOutput([elements, tiles * outP + 16], 'float32');
  const y = wasm.makeOutput(outShape, 'float32');
  simd.winogradFilter3x3(filter, u, flip, f4);
  simd.winogradConv3x3(x, u, bias, y, [v, m], padTop, padLeft, tiles, relu, f4);
  release(wasm, u, v, m);
  return y;
}

/** dx of a stride-1 3×3 convolution whose padding stays within the filter's reach, else undefined. */
export function winogradInputGrad(wasm: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo): TensorInfo | undefined {
  const simd = simdKernels(wasm);
  const { top, left } = info.padInfo;
  if (!simd || !winogradPays(info, info.outChannels) || top > 2 || left > 2 || dy.dtype !== 'float32') return undefined;
  const inShape: Shape4D = [info.batchSize, info.inHeight, info.inWidth, info.inChannels];
  return winogradConv(simd, wasm, dy, filter, undefined, inShape, 2 - top, 2 - left, false, true);
}

/**
 * dW of a 3×3 stride-1 convolution through Winograd (training-kernels.c, winograd_filter_grad_3x3), or undefined
 * where the direct kernel is as fast (1–2 input channels: the transforms outweigh the products saved) or cannot run.
 * bench/winograd-bench.ts: 16→16 28×28 2.0×, 32→32 14×14 2.0×, 3→16 32×32 3.0× the direct kernel (64 images); its
 * float32 error is 3–6e-6 of the gradient's scale (the direct kernel's 3–8e-6).
 */
export function winogradFilterGrad(wasm: BackendWasm, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo): TensorInfo | undefined {
  const simd = simdKernels(wasm);
  if (!simd || !winogradPays(info, info.inChannels) || x.dtype !== 'float32') return undefined;
  const inP = roundUp4(info.inChannels);
  const outP = roundUp4(info.outChannels);
  const f4 = inP <= MAX_F4_IN_CHANNELS;
  const side = f4 ? 4 : 2;
  const elements = (side + 2) ** 2;
  const allTiles = info.batchSize * Math.ceil(info.outHeight / side) * Math.ceil(info.outWidth / side);
  const tiles = Math.min(BLOCK_TILES, roundUp4(allTiles));
  const v = wasm.makeOutput([elements, tiles * inP + 16], 'float32');
  const z = wasm.makeOutput([elements, tiles * outP + 16], 'float32');
  const acc = wasm.makeOutput([elements, inP, outP], 'float32');
  const dw = wasm.makeOutput([3, 3, info.inChannels, info.outChannels], 'float32');
  simd.winogradFilterGrad3x3(x, dy, dw, [v, z, acc], info.padInfo.top, info.padInfo.left, tiles, f4);
  release(wasm, v, z, acc);
  return dw;
}

interface FusedConv2DAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation: string;
}

/** FusedConv2D (conv + bias + linear/ReLU) by Winograd where it fits; everything else goes to the original kernel. */
export function fusedConv2DConfig(k: WasmKernels): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x, filter } = inputsOf(args.inputs, 'x', 'filter');
    const { bias, preluActivationWeights } = args.inputs;
    const a = args.attrs as unknown as FusedConv2DAttrs;
    const wasm = asWasm(args.backend);
    const simd = simdKernels(wasm);
    const plain = a.dataFormat !== 'NCHW' && !preluActivationWeights && (a.activation === 'linear' || a.activation === 'relu');
    if (!simd || !plain || x.dtype !== 'float32') return k.fusedConv2D(args);
    const info = backend_util.computeConv2DInfo(x.shape as Shape4D, filter.shape as Shape4D, a.strides, a.dilations, a.pad, a.dimRoundingMode);
    const biasFits = !bias || (bias.shape.length === 1 && bias.shape[0] === info.outChannels);
    if (!winogradPays(info, info.inChannels) || !biasFits) return k.fusedConv2D(args);
    return winogradConv(simd, wasm, x, filter, bias, info.outShape as Shape4D, info.padInfo.top, info.padInfo.left, a.activation === 'relu', false);
  };
  return { kernelName: 'FusedConv2D', backendName: 'wasm', kernelFunc };
}

/**
 * Multiply of an NHWC tensor by a per-image channel scale ([N, H, W, C] · [N, 1, 1, C]): Dropout2d's mask, forward
 * and backward. tfjs's wasm Multiply takes its generic broadcasting loop for it (index arithmetic per element); our
 * SIMD kernel streams each image's pixels. Every other Multiply goes to the original kernel.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernels } from './simd/simd-kernels';
import { asWasm, inputsOf, type WasmKernels } from './wasm-ops';

/** Whether `scale` is [N, 1, 1, C] for x of shape [N, H, W, C] with C in fours and H·W > 1. */
function isImageChannelScale(x: TensorInfo, scale: TensorInfo): boolean {
  const [n, h, w, c] = x.shape;
  const [sn, sh, sw, sc] = scale.shape;
  return (
    x.dtype === 'float32' && scale.dtype === 'float32' && x.shape.length === 4 && scale.shape.length === 4 &&
    c !== undefined && c % 4 === 0 && sn === n && sh === 1 && sw === 1 && sc === c && (h as number) * (w as number) > 1
  );
}

export function multiplyConfig(k: WasmKernels): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = inputsOf(args.inputs, 'a', 'b');
    const wasm = asWasm(args.backend);
    const simd = simdKernels(wasm);
    const [x, scale] = isImageChannelScale(a, b) ? [a, b] : isImageChannelScale(b, a) ? [b, a] : [undefined, undefined];
    if (!simd || !x || !scale) return k.multiply(args);
    const [images, height, width, channels] = x.shape as [number, number, number, number];
    const out = wasm.makeOutput(x.shape, 'float32');
    if (util.sizeFromShape(x.shape) > 0) simd.scaleChannelsPerImage(x, scale, out, images, height * width, channels);
    return out;
  };
  return { kernelName: 'Multiply', backendName: 'wasm', kernelFunc };
}

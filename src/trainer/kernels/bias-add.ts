/**
 * Add of a per-channel bias to a channels-last tensor ([..., C] + [C]), the forward half of every convolution bias
 * the engine adds itself (addChannelBias). tfjs's wasm Add takes its generic broadcasting loop for it; our SIMD
 * kernel streams the rows. Every other Add goes to the original kernel.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { simdKernels } from './simd/simd-kernels';
import { asWasm, inputsOf, type WasmKernels } from './wasm-ops';

/** Whether `bias` is [C] (or [1, …, 1, C]) for the last axis C of `x`, with C in fours and x larger than the bias. */
function isChannelBias(x: TensorInfo, bias: TensorInfo): boolean {
  const channels = x.shape[x.shape.length - 1];
  const biasLast = bias.shape[bias.shape.length - 1];
  return (
    x.dtype === 'float32' && bias.dtype === 'float32' && channels !== undefined && channels % 4 === 0 && biasLast === channels &&
    bias.shape.length <= x.shape.length && bias.shape.slice(0, -1).every((d) => d === 1) && util.sizeFromShape(x.shape) > channels
  );
}

export function addConfig(k: WasmKernels): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = inputsOf(args.inputs, 'a', 'b');
    const wasm = asWasm(args.backend);
    const simd = simdKernels(wasm);
    const [x, bias] = isChannelBias(a, b) ? [a, b] : isChannelBias(b, a) ? [b, a] : [undefined, undefined];
    if (!simd || !x || !bias) return k.add(args);
    const channels = bias.shape[bias.shape.length - 1] as number;
    const out = wasm.makeOutput(x.shape, 'float32');
    simd.addChannelBias(x, bias, out, util.sizeFromShape(x.shape) / channels, channels);
    return out;
  };
  return { kernelName: 'Add', backendName: 'wasm', kernelFunc };
}

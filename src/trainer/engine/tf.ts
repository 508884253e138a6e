/**
 * The tfjs namespace the engine computes with. It is always passed in (never imported for values) because
 * tfjs-node ships its own copy of tfjs-core: the backend module decides which copy is live.
 */
import type * as tfc from '@tensorflow/tfjs-core';

export type TF = typeof tfc;
export type { Tensor, Tensor1D, Tensor2D, Tensor4D, Scalar, Variable, NamedTensorMap } from '@tensorflow/tfjs-core';

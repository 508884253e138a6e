/**
 * The engine's model: plain layer objects over tfjs ops (no tfjs-layers), one per ResolvedLayer.
 * Tensors inside the model are NHWC (4-D) or [N, F] (2-D); the model file's NCHW semantics are mapped at the
 * few places where the order is visible (Flatten, Softmax dim, channel-wise ops).
 */
import type { SeedStream } from '../seeds';
import type { RowWindow } from './draws';
import type { TF, Tensor, Variable } from '../tf';

/** A named variable; names follow the layer (`layer3.weight`, `layer5.running_mean`). */
export interface NamedVariable {
  name: string;
  variable: Variable;
}

export interface EngineLayer {
  /** Prefix of this layer's variable names, e.g. `layer3`. */
  readonly name: string;
  /** Trainable parameters (weight, bias). */
  readonly params: NamedVariable[];
  /** Non-trainable state saved with checkpoints (BatchNorm running statistics). */
  readonly buffers: NamedVariable[];
  /**
   * Forward pass; `training` switches dropout and batch statistics on. `inputGrad` false: no gradient will be asked
   * of `x` (the model's input, or only frozen layers before), so a layer whose backward pass computes every
   * input's gradient at once (a custom gradient) may leave x's out.
   */
  apply(x: Tensor, training: boolean, inputGrad?: boolean): Tensor;
  /**
   * The layer and a ReLU after it as one op: fusable convolutions (src/model/memory/convRelu.ts) and BatchNorm
   * (one pass fewer each way, same tensors kept).
   */
  applyWithRelu?(x: Tensor, training: boolean, inputGrad?: boolean): Tensor;
  /** Frees constant tensors the layer holds besides its variables (interpolation matrices). */
  dispose?(): void;
}

/** What every layer factory needs: the tfjs namespace and seeds for initialisation and dropout. */
export interface BuildContext {
  tf: TF;
  seeds: SeedStream;
  /** The rows of the global batch the current forward pass sees (EngineModel.setRows). */
  rows: { window: RowWindow | null };
}

/** Thrown when a layer's arguments cannot be built by the engine; the message names the layer and argument. */
export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

/** A layer without variables: just its forward pass. */
export function statelessLayer(name: string, apply: (x: Tensor, training: boolean) => Tensor): EngineLayer {
  return { name, params: [], buffers: [], apply };
}

/** The contract of one layer family: infer shapes/params from bound arguments, and explain a resolved layer. */
import type { DiagnosticSink } from '../diagnostics';
import type { FixEdit, LayerArgs, LayerType, ResolvedLayer, Shape } from '../types';
import type { BoundArgs } from './bind';

/** Receptive field and jump per spatial dimension [h, w], in input pixels. */
export interface Receptive {
  rf: [number, number];
  jump: [number, number];
}

export interface LayerContext {
  type: LayerType;
  input: Shape;
  bound: BoundArgs;
  sink: DiagnosticSink;
  /** Where the input comes from, for messages: "Flatten at line 9", "the input". */
  source: string;
  receptive: Receptive;
  /** The model's input height and width: a Linear layer sees all of it. */
  imageSize: [number, number];
  /** A fix inserting a new layer item (PyTorch call text) just before this layer, when the layout allows it. */
  insertBefore(layerText: string): FixEdit | undefined;
}

export interface LayerOutcome {
  args: LayerArgs;
  output: Shape;
  params: number;
  trainableParams: number;
  buffers: number;
  macs: number;
  receptive: Receptive;
}

/** One entry of a layer's state_dict: torch's name after the module (`weight`, `running_mean`) and torch's shape. */
export interface StateEntry {
  name: string;
  shape: number[];
  /** A buffer (running statistics): saved and loaded, never trained. */
  buffer: boolean;
}

export interface LayerHandler {
  /** The layer's state_dict entries in torch's order and layouts; absent: the layer has none. */
  stateEntries?(layer: ResolvedLayer): StateEntry[];
  /** Undefined when no output shape can be computed (the error is already reported). */
  infer(ctx: LayerContext): LayerOutcome | undefined;
  /** One formula per spatial dimension (or one for vectors). */
  shapeFormulas(layer: ResolvedLayer): string[];
  paramsFormula(layer: ResolvedLayer): string;
  macsFormula?(layer: ResolvedLayer): string | undefined;
}

/** Outcome of a layer without weights that keeps the shape (activations, dropout). */
export function passThrough(ctx: LayerContext, args: LayerArgs): LayerOutcome {
  return { args, output: ctx.input, params: 0, trainableParams: 0, buffers: 0, macs: 0, receptive: ctx.receptive };
}

/** rf' = rf + d(k−1)·jump, jump' = jump·s (per dimension). */
export function growReceptive(r: Receptive, k: number[], s: number[], d: number[] = [1, 1]): Receptive {
  return {
    rf: [0, 1].map((i) => r.rf[i] + d[i] * (k[i] - 1) * r.jump[i]) as [number, number],
    jump: [0, 1].map((i) => r.jump[i] * s[i]) as [number, number],
  };
}

/**
 * The receptive field a layer reports: the theoretical field (which grows through padding and can exceed the image)
 * clamped to the model input, i.e. how many input pixels, per dimension, can influence one output value; the larger
 * dimension is reported. A layer that mixes everything (Linear, a global adaptive pool) therefore sees exactly the input.
 */
export function reportedField(r: Receptive, imageSize: [number, number]): number {
  return Math.max(Math.min(r.rf[0], imageSize[0]), Math.min(r.rf[1], imageSize[1]));
}

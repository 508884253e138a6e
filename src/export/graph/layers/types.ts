/** What lowering one layer needs and returns: the builder, the layer as the core resolved it, its input value. */
import type { ResolvedLayer } from '../../../model/types';
import type { GraphBuilder } from '../builder';

/** Lowers `layer` applied to `x` (NCHW, or [N, F]); returns the value holding its output. */
export type LayerLowering = (b: GraphBuilder, layer: ResolvedLayer, x: string) => string;

/** The variable prefix the engine gives a layer (`layer3`), hence its weights' names. */
export const layerName = (layer: ResolvedLayer): string => `layer${layer.index}`;

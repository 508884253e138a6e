/** explainLayer: the formulas behind a resolved layer's shape, parameters and MACs, for hovers and panels. */
import { formatCount } from './layers/arithmetic';
import { LAYER_CATALOG } from './layers/catalog';
import { LAYER_HANDLERS } from './layers/registry';
import { renderCall } from './layers/renderCall';
import { formatPairOrInt } from './layers/formatPy';
import type { PyValue, ResolvedLayer, UpsampleArgs } from './types';

export interface LayerExplanation {
  /** One per spatial dimension, e.g. "H: ⌊(28 + 2·1 − 3)/1⌋ + 1 = 28"; one line for vectors. */
  shapeFormulas: string[];
  /** e.g. "16·(1·3² + 1) = 160". */
  paramsFormula: string;
  macsFormula?: string;
  /** The layer with every resolved argument that differs from torch's default, e.g. "MaxPool2d(kernel_size=2, stride=2)". */
  summary: string;
  /** Receptive field and jump, in input pixels. */
  receptiveField: string;
}

export function explainLayer(layer: ResolvedLayer): LayerExplanation {
  const handler = LAYER_HANDLERS[layer.type];
  if (layer.outputShape.length === 0) {
    const unknown = 'unknown: this layer or an earlier one has an error';
    return { shapeFormulas: [unknown], paramsFormula: unknown, summary: layer.text, receptiveField: unknown };
  }
  const macs = handler.macsFormula?.(layer);
  return {
    shapeFormulas: handler.shapeFormulas(layer),
    paramsFormula: handler.paramsFormula(layer),
    ...(macs ? { macsFormula: macs } : {}),
    summary: resolvedCall(layer),
    receptiveField: `each output value sees ${layer.receptiveField}×${layer.receptiveField} input pixels; neighbouring outputs are ${formatCount(layer.jump)} pixel(s) apart`,
  };
}

/** A layer in PyTorch call syntax from its resolved arguments: required ones always, optional ones when they differ from the default. */
export function resolvedCall(layer: ResolvedLayer): string {
  const signature = LAYER_CATALOG[layer.type];
  const args = layer.args as unknown as Record<string, PyValue | undefined>;
  const values = new Map<string, PyValue>();
  for (const a of signature.args) {
    const v = args[a.name];
    if (v === undefined) continue;
    // A bool whose torch default is None (align_corners) resolves to False.
    const resolvedDefault = a.default === null && a.kind === 'bool' ? false : (a.default ?? null);
    if (a.required || formatPairOrInt(v) !== formatPairOrInt(resolvedDefault)) values.set(a.name, v);
  }
  // Upsample resolves size from scale_factor; torch takes only one of them.
  if (layer.type === 'Upsample' && (layer.args as UpsampleArgs).scale_factor) values.delete('size');
  return renderCall(layer.type, signature, values);
}

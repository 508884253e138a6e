/** The text of frozen layers (train.freeze), which the editor shows greyed. */
import type { ModelAnalysis, Range } from '../model/types';

/** One range per frozen layer item with weights (a repeated item once), in file order. */
export function frozenLayerRanges(analysis: Pick<ModelAnalysis, 'layers'>): Range[] {
  const seen = new Set<string>();
  const out: Range[] = [];
  for (const layer of analysis.layers) {
    if (!layer.frozen) continue;
    const key = `${layer.range.start.line}:${layer.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(layer.range);
  }
  return out;
}

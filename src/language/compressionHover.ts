/** The compression line of a reconstruction model's hovers (on `task:` and on its bottleneck layer). */
import { formatCount } from '../model';
import { compressionOf, type Compression } from '../model/tasks/compression';
import type { ModelAnalysis, ResolvedLayer } from '../model/types';
import { shapeLabel } from './format';

/** 24.5, 0.5, 196: one decimal from 10 up, two below. */
function formatRatio(ratio: number): string {
  return String(+ratio.toFixed(ratio >= 10 ? 1 : 2));
}

export function compressionMarkdown(c: Compression): string {
  const [layer] = c.bottleneck;
  const where = `${layer.type} at layer ${layer.index}, \`${shapeLabel(layer.outputShape)}\``;
  const head = `**Compression** ${formatRatio(c.ratio)}× — ${formatCount(c.inputValues)} input values / ${formatCount(c.bottleneckValues)} at the bottleneck (${where})`;
  if (c.ratio > 1) return head;
  const what = c.ratio === 1 ? 'as many values as the input' : 'more values than the input';
  return `${head}\n\nThe code holds ${what}: nothing is compressed, and the model could learn to copy its input.`;
}

/** The compression line for a hover on `layer` (only the bottleneck's), or for the whole model when no layer is given. */
export function compressionHover(analysis: ModelAnalysis, layer?: ResolvedLayer): string | undefined {
  const c = compressionOf(analysis);
  if (!c || (layer && !c.bottleneck.some((b) => b.index === layer.index))) return undefined;
  return compressionMarkdown(c);
}

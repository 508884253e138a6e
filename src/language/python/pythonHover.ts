/**
 * Hover content in PyTorch code: a layer (where it is defined, or where forward calls it) shows the same markdown
 * as in a model file; a merge (`+`, torch.cat) its inputs and formula; a model's name its input, output and
 * parameters. The editor adds it to the Python language server's hover.
 */
import { formatCount, rangeContains } from '../../model';
import type { Position, Range, ResolvedLayer, ResolvedMerge } from '../../model/types';
import type { PyModel, PythonAnalysis } from '../../python/analyzePython';
import { shapeLabel } from '../format';
import { layerHoverMarkdown } from '../layerHover';
import { mergeHoverMarkdown } from '../mergeHover';
import type { HoverContent } from '../hover';

type Target = { range: Range; markdown: () => string };

export function pythonHoverAt(analysis: PythonAnalysis, pos: Position): HoverContent | undefined {
  const targets: Target[] = [];
  for (const model of analysis.models) {
    if (rangeContains(model.definition.nameRange, pos)) targets.push({ range: model.definition.nameRange, markdown: () => modelHoverMarkdown(model) });
    const layers = model.analysis?.layers ?? [];
    for (const layer of layers) if (rangeContains(layer.range, pos)) targets.push({ range: layer.range, markdown: () => withUses(layer, layers, model) });
    for (const use of model.uses) {
      const layer = layers.find((l) => l.range === use.item.range);
      if (layer && rangeContains(use.range, pos)) targets.push({ range: use.range, markdown: () => withUses(layer, [layer], model) });
    }
    for (const merge of model.analysis?.merges ?? []) if (rangeContains(merge.range, pos)) targets.push({ range: merge.range, markdown: () => mergeMarkdown(merge, model) });
  }
  // The innermost wins: `self.pool(F.relu(self.conv1(x)))` on conv1 is about conv1.
  const best = targets.sort((a, b) => size(a.range) - size(b.range))[0];
  return best && { markdown: best.markdown(), range: best.range };
}

function size(r: Range): number {
  return (r.end.line - r.start.line) * 100000 + (r.end.character - r.start.character);
}

function header(model: PyModel): string {
  return `_CNN Lab · ${model.definition.name} · input \`${shapeLabel(model.input?.shape ?? [])}\` from ${model.input?.source ?? 'nowhere'}_`;
}

/** A layer defined once and called several times in forward has one line per call. */
function withUses(layer: ResolvedLayer, layers: ResolvedLayer[], model: PyModel): string {
  const copies = layers.filter((l) => l.range === layer.range || (l.range.start.line === layer.range.start.line && l.range.start.character === layer.range.start.character));
  const others = copies.length > 1 ? `\n\nCalled ${copies.length} times in forward: ${copies.map((l) => `\`${shapeLabel(l.inputShape)}\` → \`${shapeLabel(l.outputShape)}\``).join(', ')}` : '';
  return `${header(model)}\n\n${layerHoverMarkdown(layer)}${others}`;
}

function mergeMarkdown(merge: ResolvedMerge, model: PyModel): string {
  return `${header(model)}\n\n${mergeHoverMarkdown(merge)}`;
}

export function modelHoverMarkdown(model: PyModel): string {
  const a = model.analysis;
  if (!model.input || !a) {
    return `**${model.definition.name}** — CNN Lab needs the shape of one input to show shapes: write \`# cnnlab: input [C, H, W]\` above the ${model.definition.kind === 'class' ? 'class' : 'nn.Sequential'} (or use the CodeLens "Set input shape…").`;
  }
  return [
    `**${model.definition.name}** \`${shapeLabel(model.input.shape)}\` → \`${shapeLabel(a.outputShape)}\``,
    `Input from ${model.input.source}.`,
    `${a.layers.length} layers · **${formatCount(a.totals.params)} parameters** (${formatCount(a.totals.trainableParams)} trainable) · ${formatCount(a.totals.macs)} MACs per sample`,
  ].join('\n\n');
}

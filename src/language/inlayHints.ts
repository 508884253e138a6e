/** Inlay hints `→ 16×28×28 · 160 params` at the end of each layer item. */
import { formatCount, mergesOf } from '../model';
import type { SourceText } from '../model/parse/sourceText';
import type { ModelAnalysis, Position, Range, ResolvedLayer } from '../model/types';
import { shapeLabel } from './format';
import { trimItemEnd } from './layerSyntax';

export interface InlayHintEntry {
  position: Position;
  label: string;
  /** Markdown tooltip with the input shape and MACs. */
  tooltip: string;
}

/** The label for one layer; repeated items (expanded `repeat` blocks) show their last occurrence and the count. */
export function inlayLabel(layer: ResolvedLayer, occurrences = 1, paramsTotal = layer.params): string {
  // Frozen weights (train.freeze) are still parameters, but none of them train.
  const frozen = layer.frozen && paramsTotal ? ' frozen' : '';
  const params = paramsTotal ? ` · ${formatCount(paramsTotal)}${frozen} param${paramsTotal === 1 ? '' : 's'}` : '';
  const times = occurrences > 1 ? ` (×${occurrences})` : '';
  return `→ ${shapeLabel(layer.outputShape)}${params}${times}`;
}

/** One hint per layer item and graph merge, placed after the item's text (before any trailing comment). */
export function inlayHints(analysis: ModelAnalysis, src: SourceText): InlayHintEntry[] {
  const groups = new Map<string, ResolvedLayer[]>();
  for (const layer of analysis.layers) {
    const r = layer.range;
    const key = `${r.start.line}:${r.start.character}`;
    const group = groups.get(key);
    if (group) group.push(layer);
    else groups.set(key, [layer]);
  }
  const hints: InlayHintEntry[] = [];
  for (const group of groups.values()) {
    const last = group[group.length - 1];
    const params = group.reduce((sum, l) => sum + l.params, 0);
    hints.push({
      position: hintPosition(src, last),
      label: inlayLabel(last, group.length, params),
      tooltip: `${last.type}: \`${shapeLabel(last.inputShape)}\` → \`${shapeLabel(last.outputShape)}\`, ${formatCount(last.macs)} MACs`,
    });
  }
  // A merge copied by a repeat shows its last copy's shape, as layers do.
  const merges = new Map(mergesOf(analysis.graph).map((m) => [`${m.range.start.line}:${m.range.start.character}`, m]));
  for (const m of merges.values()) {
    hints.push({
      position: hintPosition(src, m),
      label: `→ ${shapeLabel(m.outputShape)}`,
      tooltip: `${m.op}: ${m.inputs.map((i) => `\`${shapeLabel(i.shape)}\``).join(', ')} → \`${shapeLabel(m.outputShape)}\``,
    });
  }
  return hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}

/**
 * End of the item's text on its first line (a multi-line mapping gets the hint on the line that names the
 * layer), before any trailing comment.
 */
function hintPosition(src: SourceText, layer: { range: Range }): Position {
  const { start, end } = layer.range;
  const line = src.lineText(start.line);
  const stop = end.line === start.line ? Math.min(end.character, line.length) : line.length;
  const text = trimItemEnd(line.slice(start.character, stop));
  return { line: start.line, character: start.character + text.length };
}

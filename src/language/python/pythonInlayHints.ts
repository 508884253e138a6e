/**
 * Inlay hints in PyTorch code: after a forward line, the shape it leaves in its variable (`→ 6×14×14`); after a
 * layer's definition (`self.conv1 = nn.Conv2d(…)`, an item of nn.Sequential), its output and parameters, as in a
 * model file. One hint per line; only inside the model's own definition.
 */
import { rangeContains } from '../../model';
import type { SourceText } from '../../model/parse/sourceText';
import type { Position, ResolvedLayer } from '../../model/types';
import type { PythonAnalysis } from '../../python/analyzePython';
import { shapeLabel } from '../format';
import type { InlayHintEntry } from '../inlayHints';
import { inlayLabel } from '../inlayHints';

export function pythonInlayHints(analysis: PythonAnalysis, src: SourceText): InlayHintEntry[] {
  const byLine = new Map<number, InlayHintEntry>();
  for (const model of analysis.models) {
    const a = model.analysis;
    if (!a) continue;
    const inside = (line: number) => rangeContains(model.definition.range, { line, character: 0 }) || line === model.definition.range.start.line;
    const groups = new Map<string, ResolvedLayer[]>();
    for (const l of a.layers) {
      if (!inside(l.range.end.line) || l.range.start.line !== l.range.end.line) continue;
      const key = `${l.range.start.line}:${l.range.start.character}`;
      groups.set(key, [...(groups.get(key) ?? []), l]);
    }
    for (const group of groups.values()) {
      const last = group[group.length - 1];
      // Called twice with different shapes: the definition cannot show one.
      if (new Set(group.map((l) => shapeLabel(l.outputShape))).size > 1) continue;
      const line = last.range.end.line;
      byLine.set(line, { position: lineEnd(src, line), label: inlayLabel(last, group.length, group.reduce((s, l) => s + l.params, 0)), tooltip: `${last.type}: \`${shapeLabel(last.inputShape)}\` → \`${shapeLabel(last.outputShape)}\`` });
    }
    // Forward lines win over a functional layer written on them: the hint is the variable's shape.
    for (const s of model.statements) {
      const item = s.ref.item;
      const shape = a.layers.find((l) => l.range === item?.range)?.outputShape ?? a.merges.find((m) => m.range === item?.range)?.outputShape;
      if (!shape?.length) continue;
      const line = s.range.end.line;
      byLine.set(line, { position: lineEnd(src, line), label: `→ ${shapeLabel(shape)}`, tooltip: `${s.ref.hint}: \`${shapeLabel(shape)}\` per sample` });
    }
  }
  return [...byLine.values()].sort((a, b) => a.position.line - b.position.line);
}

/** The end of the line's code, before a trailing comment (a `#` inside a string is rare enough in layer lines). */
function lineEnd(src: SourceText, line: number): Position {
  const text = src.lineText(line);
  const hash = text.indexOf('  #');
  const code = (hash >= 0 ? text.slice(0, hash) : text).trimEnd();
  return { line, character: code.length };
}

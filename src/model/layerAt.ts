/** layerAt: which resolved layer the cursor is on (the innermost, first copy for repeated blocks). */
import type { ModelAnalysis, Position, Range, ResolvedLayer } from './types';

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

export function rangeContains(range: Range, pos: Position): boolean {
  return before(range.start, pos) && before(pos, range.end);
}

export function layerAt(analysis: ModelAnalysis, pos: Position): ResolvedLayer | undefined {
  return analysis.layers.find((l) => rangeContains(l.range, pos));
}

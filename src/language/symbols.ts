/**
 * Document symbols (outline): the top-level sections, and under `layers` every layer with its output shape,
 * nested in the named blocks (`layer1`, `inception3a` › `branch2`) and residual blocks as the file writes them, so a
 * zoo model's outline folds block by block.
 */
import { formatCount } from '../model';
import type { SourceText } from '../model/parse/sourceText';
import type { GraphNode, ModelAnalysis, Range } from '../model/types';
import { shapeLabel } from './format';

export type SymbolKind = 'section' | 'layer' | 'block';

export interface SymbolEntry {
  name: string;
  detail: string;
  kind: SymbolKind;
  range: Range;
  selectionRange: Range;
  children: SymbolEntry[];
}

/** The outline of a model file. */
export function documentSymbols(analysis: ModelAnalysis, src: SourceText): SymbolEntry[] {
  const sections = topLevelSections(src);
  return sections.map((s) => {
    if (s.name === 'layers') return { ...s, detail: `${analysis.layers.length} layers · ${formatCount(analysis.totals.params)} params`, children: nestInBlocks(graphSymbols(analysis.graph), analysis.blocks ?? []) };
    if (s.name === 'input') return { ...s, detail: shapeLabel(analysis.input) };
    return s;
  });
}

function graphSymbols(nodes: GraphNode[]): SymbolEntry[] {
  const out: SymbolEntry[] = [];
  const seen = new Set<string>();
  for (const node of nodes) {
    if (node.kind === 'layer') {
      const l = node.layer;
      const key = `${l.range.start.line}:${l.range.start.character}`;
      // A repeat block lists each written layer once (its copies share the source range).
      if (seen.has(key)) continue;
      seen.add(key);
      const params = l.params ? ` · ${formatCount(l.params)} params` : '';
      out.push({ name: l.text, detail: `→ ${shapeLabel(l.outputShape)}${params}`, kind: 'layer', range: l.range, selectionRange: l.range, children: [] });
    } else if (node.kind === 'merge') {
      const m = node.merge;
      const key = `${m.range.start.line}:${m.range.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name: `${m.op}(${m.inputs.map((i) => i.name).join(', ')})`, detail: `→ ${shapeLabel(m.outputShape)}`, kind: 'layer', range: m.range, selectionRange: m.range, children: [] });
    } else if (node.kind === 'residual') {
      const children = [...graphSymbols(node.body), ...graphSymbols(node.projection)];
      out.push({ name: 'residual', detail: `→ ${shapeLabel(node.outputShape)}`, kind: 'block', range: node.range, selectionRange: node.range, children });
    }
  }
  return out;
}

/** Puts each entry (and each residual's entries) under the innermost named block whose range holds it. */
function nestInBlocks(entries: SymbolEntry[], blocks: ReadonlyArray<{ name: string; range: Range }>): SymbolEntry[] {
  if (blocks.length === 0) return entries;
  const leaves = (list: SymbolEntry[]): SymbolEntry[] => list.flatMap((e) => (e.kind === 'block' ? [{ ...e, children: [] }, ...leaves(e.children)] : [e]));
  const blockEntries = blocks.map((b): SymbolEntry => ({ name: b.name, detail: '', kind: 'block', range: b.range, selectionRange: b.range, children: [] }));
  // Outer before inner at the same start: a block's own first layer starts where the block's text does.
  const all = [...blockEntries, ...leaves(entries)].map((e, order) => ({ e, order }))
    .sort((a, b) => compare(a.e.range.start, b.e.range.start) || compare(b.e.range.end, a.e.range.end) || a.order - b.order)
    .map((x) => x.e);
  const root: SymbolEntry[] = [];
  const open: SymbolEntry[] = [];
  for (const e of all) {
    while (open.length > 0 && !contains(open[open.length - 1].range, e.range)) open.pop();
    (open.length > 0 ? open[open.length - 1].children : root).push(e);
    if (e.kind === 'block') open.push(e);
  }
  for (const b of blockEntries) if (!b.detail) b.detail = `${countLayers(b.children)} layers`;
  return root;
}

function countLayers(list: SymbolEntry[]): number {
  return list.reduce((n, e) => n + (e.kind === 'block' ? countLayers(e.children) : 1), 0);
}

function compare(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

function contains(outer: Range, inner: Range): boolean {
  return compare(outer.start, inner.start) <= 0 && compare(inner.end, outer.end) <= 0;
}

/** Top-level keys with the range of their block (up to the next top-level key). */
function topLevelSections(src: SourceText): SymbolEntry[] {
  const found: Array<{ name: string; line: number }> = [];
  const re = /^([A-Za-z_][\w-]*)\s*:/gm;
  for (let m = re.exec(src.text); m; m = re.exec(src.text)) found.push({ name: m[1], line: src.position(m.index).line });
  return found.map((f, i) => {
    let last = (found[i + 1]?.line ?? src.position(src.text.length).line + 1) - 1;
    while (last > f.line && !src.lineText(last).trim()) last--;
    const range = { start: { line: f.line, character: 0 }, end: { line: last, character: src.lineText(last).length } };
    const selectionRange = { start: { line: f.line, character: 0 }, end: { line: f.line, character: f.name.length } };
    return { name: f.name, detail: '', kind: 'section' as const, range, selectionRange, children: [] };
  });
}

/**
 * Reads one layer item back from the source text with the exact ranges of its name and arguments,
 * which hovers on argument names, quick fixes and form conversion need (ResolvedLayer keeps only the
 * item's range). Call syntax goes through the core's own Python-call parser; mapping forms through `yaml`.
 */
import { parseDocument } from 'yaml';
import { isMap, isScalar, isSeq, toPyValue } from '../model/parse/yamlNodes';
import { splitWiring } from '../model/parse/graphSyntax';
import { parseCall } from '../model/parse/pyCall';
import type { SourceText } from '../model/parse/sourceText';
import type { ArgSpec, LayerSpec, Wiring } from '../model/spec';
import type { Range } from '../model/types';

/**
 * The layer item written at `range`, or undefined when it does not parse (the core reports why). The
 * returned `range` is the item's text itself, without a trailing comment or line break.
 */
export function readLayerSyntax(src: SourceText, range: Range): LayerSpec | undefined {
  let start = src.offset(range.start);
  let text = src.text.slice(start, src.offset(range.end));
  const lead = /^\s*(?:-\s+)?/.exec(text)?.[0].length ?? 0;
  start += lead;
  text = trimItemEnd(text.slice(lead));
  // The item's own extent: edits that replace the item must not swallow a trailing comment or line break.
  const own = src.range(start, start + text.length);
  if (/^["']/.test(text)) return readCall(src, text.slice(1, -1), start + 1, own, text);
  if (/^[A-Za-z_][\w.]*\s*:(\s|$)/.test(text)) return readMapping(src, text, start, own);
  return readCall(src, text, start, own, text);
}

/** Drops trailing whitespace and `# comments` after the item's last value. */
export function trimItemEnd(text: string): string {
  let t = text;
  for (;;) {
    const before = t;
    t = t.replace(/\s+$/, '').replace(/(^|[ \t])#[^\n'"]*$/, '');
    if (t === before) return t;
  }
}

function readCall(src: SourceText, full: string, fullBase: number, range: Range, whole: string): LayerSpec | undefined {
  // `name = Layer(…)(input)`: the graph wiring around the call.
  const wiring = splitWiring(full);
  const text = full.slice(wiring.call.start, wiring.call.end);
  const base = fullBase + wiring.call.start;
  const { call } = parseCall(text.replace(/\s+$/, ''));
  if (!call) return undefined;
  const at = (s: { start: number; end: number }) => src.range(base + s.start, base + s.end);
  const ref = (n?: { name: string; span: { start: number; end: number } }) => n && { name: n.name, range: src.range(fullBase + n.span.start, fullBase + n.span.end) };
  const args: ArgSpec[] = call.args.map((a) => ({
    name: a.name,
    nameRange: a.nameSpan && at(a.nameSpan),
    value: a.value,
    valueRange: at(a.valueSpan),
  }));
  const as = ref(wiring.as);
  const from = ref(wiring.from);
  return { kind: 'layer', name: call.name, nameRange: at(call.nameSpan), args, range, form: whole.includes('(') ? 'call' : 'bare', ...(as ? { as } : {}), ...(from ? { from } : {}) };
}

function readMapping(src: SourceText, text: string, base: number, range: Range): LayerSpec | undefined {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const map = doc.contents;
  if (!isMap(map)) return undefined;
  const at = (node: unknown) => {
    const r = (node as { range?: [number, number, number] }).range ?? [0, 0, 0];
    return src.range(base + r[0], base + r[1]);
  };
  // `as:` / `from:` wire a graph item; the one other key is the layer.
  const wiring: Wiring = {};
  const layerPairs = map.items.filter((p) => {
    const key = isScalar(p.key) ? p.key.value : undefined;
    if (key !== 'as' && key !== 'from') return true;
    if (isScalar(p.value) && typeof p.value.value === 'string') wiring[key] = { name: p.value.value, range: at(p.value) };
    return false;
  });
  if (layerPairs.length !== 1) return undefined;
  const pair = layerPairs[0];
  if (!isScalar(pair.key) || typeof pair.key.value !== 'string') return undefined;
  const args: ArgSpec[] = [];
  const value = pair.value;
  if (isMap(value)) {
    for (const p of value.items) {
      if (!isScalar(p.key)) continue;
      const py = toPyValue(p.value);
      args.push({
        name: String(p.key.value),
        nameRange: at(p.key),
        value: 'value' in py ? py.value : null,
        valueRange: p.value ? at(p.value) : at(p.key),
      });
    }
  } else if (isScalar(value) || isSeq(value)) {
    const py = toPyValue(value);
    if ('value' in py && py.value !== null) args.push({ value: py.value, valueRange: at(value) });
  }
  return { kind: 'layer', name: pair.key.value, nameRange: at(pair.key), args, range, form: 'mapping', ...wiring };
}

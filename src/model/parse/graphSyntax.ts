/**
 * The graph parts of call syntax, read like the PyTorch `forward` they stand for: `skip = Conv2d(1, 8, 3)` names
 * an output, `Conv2d(8, 8, 3)(skip)` takes a named output as input, `concat(up, skip)` / `add(a, b)` /
 * `multiply(a, b)` merge named outputs. Offsets are relative to the item's text, as pyCall's are.
 */
import type { MergeOp } from '../spec';
import type { Span } from './pyCall';

export const MERGE_OPS: readonly MergeOp[] = ['concat', 'add', 'multiply'];

const IDENT = /^[A-Za-z_]\w*$/;

/** `name = ` before a call to a dotless name (`x = F.relu(x)` and `self.fc = nn.Linear(…)` stay Python habits). */
const NAMING = /^(\s*)([A-Za-z_]\w*)\s*=(?!=)\s*(?=[A-Za-z_]\w*\s*\()/;
/** `…)(name)` at the end: the layer is applied to a named output. */
const APPLIED_TO = /\)(\s*\(\s*([A-Za-z_]\w*)\s*\))\s*$/;
const MERGE_CALL = /^(\s*)(concat|add|multiply)\s*\(([^()]*)\)\s*$/;

export interface NamedSpan {
  name: string;
  span: Span;
}

/** The wiring around a call: what remains to parse as the layer is text[call.start, call.end). */
export interface CallWiring {
  as?: NamedSpan;
  from?: NamedSpan;
  call: Span;
}

export function isGraphName(text: string): boolean {
  return IDENT.test(text);
}

export function splitWiring(text: string): CallWiring {
  let start = 0;
  let end = text.length;
  let as: NamedSpan | undefined;
  let from: NamedSpan | undefined;
  const named = NAMING.exec(text);
  if (named) {
    const at = named[1].length;
    as = { name: named[2], span: { start: at, end: at + named[2].length } };
    start = named[0].length;
  }
  const applied = APPLIED_TO.exec(text);
  if (applied && applied.index >= start) {
    const at = applied.index + 1 + applied[1].indexOf(applied[2]);
    from = { name: applied[2], span: { start: at, end: at + applied[2].length } };
    end = applied.index + 1;
  }
  return { ...(as ? { as } : {}), ...(from ? { from } : {}), call: { start, end } };
}

/** `concat(a, b, …)` in text: the op and each input name with its span, or undefined when it is not a merge call. */
export function parseMergeCall(text: string): { op: MergeOp; opSpan: Span; inputs: NamedSpan[] } | undefined {
  const m = MERGE_CALL.exec(text);
  if (!m) return undefined;
  const opStart = m[1].length;
  const innerStart = text.indexOf('(', opStart) + 1;
  const inputs: NamedSpan[] = [];
  let offset = innerStart;
  for (const piece of m[3].split(',')) {
    const lead = piece.length - piece.trimStart().length;
    const name = piece.trim();
    if (name) inputs.push({ name, span: { start: offset + lead, end: offset + lead + name.length } });
    offset += piece.length + 1;
  }
  return { op: m[2] as MergeOp, opSpan: { start: opStart, end: opStart + m[2].length }, inputs };
}

/**
 * Merges pasted from a PyTorch `forward()`: `torch.cat([up, skip], dim=1)`, `torch.add(a, b)`, `torch.mul(a, b)`,
 * `x + identity`, `out += identity`, `a * b`, with or without `x = `. Each is the model file's `concat` / `add` /
 * `multiply` of named outputs; the fix writes that (keeping the assigned name, as Python's rebinding does).
 * Offsets are relative to the item's text, as pyCall's are.
 */
import type { MergeOp } from '../spec';
import type { NamedSpan } from './graphSyntax';
import type { Span } from './pyCall';
import { splitArguments } from './pythonHabits';

export interface MergeHabit {
  op: MergeOp;
  inputs: NamedSpan[];
  /** `x = …` / `x += …`: the name the result gets. */
  as?: NamedSpan;
  /** What the fix writes, e.g. `x = concat(up, skip)`; absent when torch's call has no model-file equivalent. */
  replacement?: string;
  message: string;
  /** The whole statement (what the fix replaces). */
  span: Span;
}

const IDENT = /^[A-Za-z_]\w*$/;
const ASSIGN = /^([A-Za-z_]\w*)\s*(\+|\*)?=(?!=)\s*/;
const TORCH_CALL = /^torch\.(cat|concat|concatenate|add|mul|multiply)\s*\(([\s\S]*)\)$/;
const TORCH_OPS: Record<string, MergeOp> = { cat: 'concat', concat: 'concat', concatenate: 'concat', add: 'add', mul: 'multiply', multiply: 'multiply' };

/** The merge habit in one layer item's text, if it is one. */
export function recognizeMergeHabit(text: string): MergeHabit | undefined {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const span = { start: lead, end: lead + trimmed.length };
  const assign = ASSIGN.exec(trimmed);
  const as = assign ? { name: assign[1], span: { start: lead, end: lead + assign[1].length } } : undefined;
  const bodyAt = lead + (assign ? assign[0].length : 0);
  const body = trimmed.slice(bodyAt - lead);
  const found = assign?.[2] ? augmented(assign[2], as as NamedSpan, body, bodyAt) : (torchCall(body, bodyAt) ?? operators(body, bodyAt));
  if (!found) return undefined;
  const { op, inputs, written, problem } = found;
  const replacement = problem ? undefined : `${as ? `${as.name} = ` : ''}${op}(${inputs.map((i) => i.name).join(', ')})`;
  const message = problem
    ? `${written} ${problem}`
    : `${written} is PyTorch's forward(): a model file merges named outputs with ${op}(…), so write ${replacement}`;
  return { op, inputs, ...(as ? { as } : {}), ...(replacement ? { replacement } : {}), message, span };
}

interface Found {
  op: MergeOp;
  inputs: NamedSpan[];
  written: string;
  /** Why it cannot be written as a merge (then there is no fix). */
  problem?: string;
}

/** `torch.cat([a, b], dim=1)`, `torch.cat((a, b), 1)`, `torch.add(a, b)`, `torch.mul(a, b)`. */
function torchCall(body: string, at: number): Found | undefined {
  const call = TORCH_CALL.exec(body);
  if (!call) return undefined;
  const op = TORCH_OPS[call[1]];
  const written = `torch.${call[1]}(…)`;
  const innerAt = at + body.indexOf('(') + 1;
  const args = splitArguments(call[2]).map((a) => ({ ...a, start: innerAt + a.start }));
  if (op !== 'concat') {
    if (args.length !== 2 || args.some((a) => !IDENT.test(a.text))) return undefined;
    return { op, inputs: args.map((a) => named(a.text, a.start)), written };
  }
  const list = args[0];
  const open = list && /^[[(]/.exec(list.text);
  if (!list || !open) return undefined;
  const items = splitArguments(list.text.slice(1, -1)).map((p) => ({ ...p, start: list.start + 1 + p.start }));
  if (items.length === 0 || items.some((p) => !IDENT.test(p.text))) return undefined;
  const inputs = items.map((p) => named(p.text, p.start));
  const dimArg = args.slice(1).find((a, i) => i === 0 || /^dim\s*=/.test(a.text));
  const dim = dimArg ? Number(dimArg.text.replace(/^dim\s*=\s*/, '')) : 0;
  if (dim === 1 || dim === -3) return { op, inputs, written };
  const problem = dimArg
    ? `joins along dim=${dimArg.text.replace(/^dim\s*=\s*/, '')}: a model file's concat joins channels (dim=1) only`
    : "joins along dim=0, the batch (torch.cat's default): a U-Net or Inception block joins channels, dim=1; write concat(…) for that";
  return { op, inputs, written, problem };
}

/** `a + b (+ c …)` or `a * b (* c …)` on names. */
function operators(body: string, at: number): Found | undefined {
  const m = /^[A-Za-z_]\w*(\s*([+*])\s*[A-Za-z_]\w*)+$/.exec(body);
  if (!m) return undefined;
  const symbol = m[2];
  if (body.includes(symbol === '+' ? '*' : '+')) return undefined;
  const inputs: NamedSpan[] = [];
  for (const name of body.matchAll(/[A-Za-z_]\w*/g)) inputs.push(named(name[0], at + (name.index ?? 0)));
  return { op: symbol === '+' ? 'add' : 'multiply', inputs, written: `'${body.replace(/\s+/g, ' ')}'` };
}

/** `out += identity` is `out = add(out, identity)`. */
function augmented(symbol: string, target: NamedSpan, body: string, at: number): Found | undefined {
  if (!IDENT.test(body)) return undefined;
  return { op: symbol === '+' ? 'add' : 'multiply', inputs: [target, named(body, at)], written: `'${target.name} ${symbol}= ${body}'` };
}

function named(name: string, start: number): NamedSpan {
  return { name, span: { start, end: start + name.length } };
}

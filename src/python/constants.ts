/**
 * Static values of Python expressions: literals, names bound to them (module constants, `c = 16` in scope,
 * parameters with defaults or call arguments) and the arithmetic courses write in arguments (`16 * 5 * 5`,
 * `2 ** 4`, `28 // 2`, `c * 2`). Anything else is Unknown, with the reason (never a guess).
 */
import type { PyValue } from '../model/types';
import type { PyNode } from './parser';
import { field, named, unwrap } from './syntax';

export interface Unknown {
  unknown: string;
}

export type Known<T> = T | Unknown;

export function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'unknown' in v;
}

/** Where names are looked up; what a name holds is up to the caller (a constant, a module, …). */
export interface NameLookup {
  constant(name: string): Known<PyValue> | undefined;
}

export function evaluateConstant(node: PyNode, scope: NameLookup, depth = 0): Known<PyValue> {
  const n = unwrap(node);
  if (depth > 50) return { unknown: `\`${short(n)}\` is nested too deeply` };
  switch (n.type) {
    case 'integer': {
      const v = Number(n.text.replace(/_/g, '').replace(/[lL]$/, ''));
      return Number.isFinite(v) ? v : { unknown: `\`${n.text}\` is not a number CNN Lab reads` };
    }
    case 'float': {
      const v = Number(n.text.replace(/_/g, ''));
      return Number.isFinite(v) ? v : { unknown: `\`${n.text}\` is not a number CNN Lab reads` };
    }
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'string':
      return stringValue(n);
    case 'tuple':
    case 'list': {
      const items: PyValue[] = [];
      for (const c of named(n)) {
        const v = evaluateConstant(c, scope, depth + 1);
        if (isUnknown(v)) return v;
        items.push(v);
      }
      return items;
    }
    case 'identifier': {
      const v = scope.constant(n.text);
      return v !== undefined ? v : { unknown: `\`${n.text}\` has no value CNN Lab can read without running the code` };
    }
    case 'unary_operator': {
      const v = evaluateConstant(field(n, 'argument')!, scope, depth + 1);
      if (isUnknown(v)) return v;
      const op = field(n, 'operator')?.text;
      if (typeof v !== 'number') return { unknown: `\`${short(n)}\` is not arithmetic on numbers` };
      return op === '-' ? -v : op === '+' ? v : { unknown: `\`${short(n)}\` is not arithmetic CNN Lab reads` };
    }
    case 'binary_operator':
      return binary(n, scope, depth);
    case 'not_operator': {
      const v = evaluateConstant(field(n, 'argument')!, scope, depth + 1);
      return isUnknown(v) ? v : !truthy(v);
    }
    case 'boolean_operator': {
      const a = evaluateConstant(field(n, 'left')!, scope, depth + 1);
      if (isUnknown(a)) return a;
      const and = field(n, 'operator')?.text === 'and';
      if (and ? !truthy(a) : truthy(a)) return a;
      return evaluateConstant(field(n, 'right')!, scope, depth + 1);
    }
    case 'comparison_operator':
      return compare(n, scope, depth);
    default:
      return { unknown: `\`${short(n)}\` is not a value CNN Lab can read without running the code` };
  }
}

function binary(n: PyNode, scope: NameLookup, depth: number): Known<PyValue> {
  const a = evaluateConstant(field(n, 'left')!, scope, depth + 1);
  if (isUnknown(a)) return a;
  const b = evaluateConstant(field(n, 'right')!, scope, depth + 1);
  if (isUnknown(b)) return b;
  const op = field(n, 'operator')?.text;
  if (typeof a !== 'number' || typeof b !== 'number') {
    // Tuples repeat and join as Python does: (2,) * 2, [64] + [128].
    if (op === '+' && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (op === '*' && Array.isArray(a) && typeof b === 'number' && Number.isInteger(b) && b >= 0 && b < 1000) return Array.from({ length: b }, () => a).flat();
    return { unknown: `\`${short(n)}\` is not arithmetic on numbers` };
  }
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? { unknown: `\`${short(n)}\` divides by zero` } : a / b;
    case '//': return b === 0 ? { unknown: `\`${short(n)}\` divides by zero` } : Math.floor(a / b);
    case '%': return b === 0 ? { unknown: `\`${short(n)}\` divides by zero` } : a - b * Math.floor(a / b);
    case '**': return a ** b;
    default: return { unknown: `\`${short(n)}\` uses ${op ?? 'an operator'}, which CNN Lab does not evaluate` };
  }
}

function truthy(v: PyValue): boolean {
  return Array.isArray(v) ? v.length > 0 : Boolean(v);
}

/** `a == b`, `stride != 1 or c_in != c_out`, chained `0 < p < 1`: numbers, strings, booleans and None. */
function compare(n: PyNode, scope: NameLookup, depth: number): Known<PyValue> {
  const operands = named(n);
  const operators = n.children.filter((c) => c !== null && !c.isNamed).map((c) => c!.text);
  const values: PyValue[] = [];
  for (const o of operands) {
    const v = evaluateConstant(o, scope, depth + 1);
    if (isUnknown(v)) return v;
    values.push(v);
  }
  for (let i = 0; i < operators.length; i++) {
    const ok = compareTwo(operators[i], values[i], values[i + 1]);
    if (ok === undefined) return { unknown: `\`${short(n)}\` is not a comparison CNN Lab evaluates` };
    if (!ok) return false;
  }
  return true;
}

function compareTwo(op: string, a: PyValue, b: PyValue): boolean | undefined {
  const same = JSON.stringify(a) === JSON.stringify(b);
  if (op === '==' || op === 'is') return same;
  if (op === '!=' || op === 'is not') return !same;
  if (typeof a !== 'number' || typeof b !== 'number') return undefined;
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : op === '>=' ? a >= b : undefined;
}

function stringValue(n: PyNode): Known<PyValue> {
  if (named(n).some((c) => c.type === 'interpolation')) return { unknown: `the f-string \`${short(n)}\` is only known when the code runs` };
  return named(n).filter((c) => c.type === 'string_content').map((c) => c.text).join('');
}

/** The expression's text, shortened for messages. */
export function short(n: PyNode): string {
  const t = n.text.replace(/\s+/g, ' ');
  return t.length > 40 ? `${t.slice(0, 37)}…` : t;
}

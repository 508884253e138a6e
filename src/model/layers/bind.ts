/**
 * Binds a layer's written arguments to torch's signature (positional order, keywords, defaults) and checks
 * each value's type, reporting problems on the argument's own range. The result is read through BoundArgs.
 */
import type { DiagnosticSink } from '../diagnostics';
import { didYouMean, suggestionSuffix } from '../didYouMean';
import type { ArgSpec, LayerSpec } from '../spec';
import type { PyValue, Range } from '../types';
import type { ArgSignature } from './argDocs';
import type { LayerSignature } from './catalog';
import { formatPy } from './formatPy';

interface BoundValue {
  value: PyValue;
  /** Range of the written value; undefined for defaults. */
  range?: Range;
}

/** The arguments of one layer after binding: every signature argument has a (checked) value or is missing. */
export class BoundArgs {
  constructor(
    readonly signature: LayerSignature,
    private readonly values: Map<string, BoundValue>,
    /** Where to report problems with arguments that were not written. */
    readonly layerRange: Range,
  ) {}

  given(name: string): boolean {
    return this.values.get(name)?.range !== undefined;
  }

  has(name: string): boolean {
    const v = this.values.get(name);
    return v !== undefined && v.value !== null;
  }

  raw(name: string): PyValue | undefined {
    return this.values.get(name)?.value;
  }

  /** Range of the argument's value, or of the whole layer when it was not written. */
  range(name: string): Range {
    return this.values.get(name)?.range ?? this.layerRange;
  }

  /** Range to replace when a fix changes this argument (only when it was written). */
  valueRange(name: string): Range | undefined {
    return this.values.get(name)?.range;
  }

  num(name: string, fallback = 0): number {
    const v = this.raw(name);
    return typeof v === 'number' ? v : fallback;
  }

  bool(name: string, fallback = false): boolean {
    const v = this.raw(name);
    return typeof v === 'boolean' ? v : fallback;
  }

  str(name: string, fallback = ''): string {
    const v = this.raw(name);
    return typeof v === 'string' ? v : fallback;
  }

  /** An int or (a, b) as [a, b]; `fallback` when missing or None. */
  pair(name: string, fallback: [number, number] = [0, 0]): [number, number] {
    const v = this.raw(name);
    if (typeof v === 'number') return [v, v];
    if (Array.isArray(v) && v.length === 2) return [v[0] as number, v[1] as number];
    return fallback;
  }
}

/** Binds and checks; `complete` is false when a required argument is missing (the layer cannot be resolved). */
export function bindArgs(spec: LayerSpec, signature: LayerSignature, sink: DiagnosticSink): { bound: BoundArgs; complete: boolean } {
  const values = new Map<string, BoundValue>();
  const names = signature.args.map((a) => a.name);
  const invalid = new Set<string>();
  let positional = 0;
  for (const a of spec.args) {
    const target = a.name === undefined ? signature.args[positional++] : signature.args.find((s) => s.name === a.name);
    if (!target) {
      reportUnplaced(a, signature, names, sink);
      continue;
    }
    if (values.has(target.name)) {
      sink.error('duplicate-argument', `${signature.type} got multiple values for argument '${target.name}'`, a.nameRange ?? a.valueRange);
      continue;
    }
    const problem = checkValue(target, a.value);
    if (problem) {
      sink.error('bad-argument', `${signature.type}: ${target.name} ${problem}, got ${formatPy(a.value)}`, a.valueRange);
      invalid.add(target.name);
      continue;
    }
    values.set(target.name, { value: a.value, range: a.valueRange });
  }
  let complete = true;
  for (const s of signature.args) {
    if (values.has(s.name)) continue;
    if (s.required && !s.inferred) {
      if (!invalid.has(s.name)) sink.error('missing-argument', `${signature.type} needs ${s.name} (${s.pyType})`, spec.nameRange);
      complete = false;
    } else if (!s.required) values.set(s.name, { value: s.default ?? null });
  }
  return { bound: new BoundArgs(signature, values, spec.range), complete };
}

function reportUnplaced(a: ArgSpec, signature: LayerSignature, names: string[], sink: DiagnosticSink): void {
  if (a.name === undefined) {
    sink.error('too-many-arguments', `${signature.type} takes at most ${names.length} positional arguments (${names.join(', ') || 'none'})`, a.valueRange);
    return;
  }
  const guess = didYouMean(a.name, names);
  const fixes = guess && a.nameRange ? [{ title: `Change to '${guess}'`, range: a.nameRange, newText: guess }] : undefined;
  const known = names.length ? ` (arguments: ${names.join(', ')})` : ' (it takes no arguments)';
  sink.error('unknown-argument', `${signature.type} has no argument '${a.name}'.${suggestionSuffix(guess)}${guess ? '' : known}`, a.nameRange ?? a.valueRange, fixes);
}

const isInt = (v: PyValue): v is number => typeof v === 'number' && Number.isInteger(v);

/** Returns what is wrong with the value ("must be …"), or undefined when it fits. */
export function checkValue(s: ArgSignature, v: PyValue): string | undefined {
  if (s.onlySupported !== undefined && v !== s.onlySupported) return `is only supported as ${formatPy(s.onlySupported)} in CNN Lab`;
  if (v === null) return s.default === null ? undefined : `must not be None`;
  const inRange = (n: number) => (s.min === undefined || n >= s.min) && (s.max === undefined || n <= s.max);
  const bounds = s.min !== undefined ? (s.max !== undefined ? ` between ${s.min} and ${s.max}` : ` ≥ ${s.min}`) : '';
  const intOrPair = (allowNone: boolean) => {
    const ok = (x: PyValue) => (allowNone && x === null) || (isInt(x) && inRange(x));
    if (ok(v) || (Array.isArray(v) && v.length === 2 && v.every(ok))) return undefined;
    return `must be an int${bounds} or a pair (h, w) of them`;
  };
  switch (s.kind) {
    case 'int':
    case 'optionalInt':
      return isInt(v) && inRange(v) ? undefined : `must be an integer${bounds}`;
    case 'float':
      return typeof v === 'number' && inRange(v) ? undefined : `must be a number${bounds}`;
    case 'bool':
      return typeof v === 'boolean' ? undefined : 'must be True or False';
    case 'enum':
      return typeof v === 'string' && s.values?.includes(v) ? undefined : `must be one of ${(s.values ?? []).map((x) => `'${x}'`).join(', ')}`;
    case 'pair':
    case 'optionalPair':
      return intOrPair(false);
    case 'outputSize':
      return intOrPair(true);
    case 'padding':
      return v === 'same' || v === 'valid' ? undefined : typeof v === 'string' ? "must be an int, a pair, 'same' or 'valid'" : intOrPair(false);
    case 'scale': {
      const ok = (x: PyValue) => typeof x === 'number' && x > 0;
      return ok(v) || (Array.isArray(v) && v.length === 2 && v.every(ok)) ? undefined : 'must be a positive number or a pair of them';
    }
  }
}

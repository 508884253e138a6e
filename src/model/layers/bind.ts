/**
 * Binds a layer's written arguments to torch's signature (positional order, keywords, defaults) and checks
 * each value's type, reporting problems on the argument's own range. The result is read through BoundArgs.
 */
import type { DiagnosticSink } from '../diagnostics';
import { didYouMean, suggestionSuffix } from '../didYouMean';
import type { ArgSpec, LayerSpec } from '../spec';
import type { PyValue, Range } from '../types';
import { boundsText, inBounds, type ArgSignature, type CallSignature } from './argDocs';
import { formatPy } from './formatPy';

interface BoundValue {
  value: PyValue;
  /** Range of the written value; undefined for defaults. */
  range?: Range;
}

/** The arguments of one layer after binding: every signature argument has a (checked) value or is missing. */
export class BoundArgs {
  constructor(
    readonly signature: CallSignature,
    private readonly values: Map<string, BoundValue>,
    /** Where to report problems with arguments that were not written. */
    readonly layerRange: Range,
  ) {}

  /** The written arguments and their values, as a new map (callers add to it). */
  written(): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    for (const [name, v] of this.values) if (v.range) out.set(name, v.value);
    return out;
  }

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

/**
 * Binds and checks. `complete` is false when a required argument is missing or any written argument was refused
 * (unknown, duplicated, surplus, or a bad value), as torch would refuse to build the layer: it is then left
 * unresolved, so a refused value never falls back to a default and never causes follow-on errors.
 */
export function bindArgs(spec: LayerSpec, signature: CallSignature, sink: DiagnosticSink): { bound: BoundArgs; complete: boolean } {
  const values = new Map<string, BoundValue>();
  /** Names with a refused or unreadable value, and names suggested for unknown keywords: not reported as missing. */
  const accounted = new Set<string>(spec.unreadable);
  let refused = accounted.size > 0;
  let positional = 0;
  for (const a of spec.args) {
    const target = a.name === undefined ? signature.args[positional++] : argNamed(signature, a.name);
    let accepted = false;
    if (!target) {
      const guess = reportUnplaced(a, signature, signature.args.map((x) => x.name), sink);
      if (guess) accounted.add(guess);
    } else if (values.has(target.name)) {
      sink.error('duplicate-argument', `${signature.type} got multiple values for argument '${target.name}'`, a.nameRange ?? a.valueRange);
    } else {
      const problem = checkValue(target, a.value);
      if (problem) {
        sink.error('bad-argument', `${signature.type}: ${target.name} ${problem}, got ${formatPy(a.value)}`, a.valueRange);
        accounted.add(target.name);
      } else {
        values.set(target.name, { value: a.value, range: a.valueRange });
        accepted = true;
      }
    }
    if (!accepted) refused = true;
  }
  let complete = !refused;
  for (const s of signature.args) {
    if (values.has(s.name)) continue;
    if (s.required && !s.inferred) {
      if (!accounted.has(s.name)) sink.error('missing-argument', `${signature.type} needs ${s.name} (${s.pyType})`, spec.nameRange);
      complete = false;
    } else if (!s.required) values.set(s.name, { value: s.default ?? null });
  }
  return { bound: new BoundArgs(signature, values, spec.range), complete };
}

function argNamed(signature: CallSignature, name: string): ArgSignature | undefined {
  for (const s of signature.args) if (s.name === name) return s;
  return undefined;
}

/** Reports an argument that fits no parameter; returns the parameter suggested for an unknown keyword, if any. */
function reportUnplaced(a: ArgSpec, signature: CallSignature, names: string[], sink: DiagnosticSink): string | undefined {
  if (a.name === undefined) {
    sink.error('too-many-arguments', `${signature.type} takes at most ${names.length} positional arguments (${names.join(', ') || 'none'})`, a.valueRange);
    return undefined;
  }
  const guess = didYouMean(a.name, names);
  const fixes = guess && a.nameRange ? [{ title: `Change to '${guess}'`, range: a.nameRange, newText: guess }] : undefined;
  const known = names.length ? ` (arguments: ${names.join(', ')})` : ' (it takes no arguments)';
  sink.error('unknown-argument', `${signature.type} has no argument '${a.name}'.${suggestionSuffix(guess)}${guess ? '' : known}`, a.nameRange ?? a.valueRange, fixes);
  return guess;
}

const isInt = (v: PyValue): v is number => typeof v === 'number' && Number.isInteger(v);

// Module-level predicates rather than closures per call: bindArgs runs for every argument on every keystroke.
function fitsInt(s: ArgSignature, x: PyValue, allowNone: boolean): boolean {
  return (allowNone && x === null) || (isInt(x) && inBounds(s, x));
}

function fitsNumber(s: ArgSignature, x: PyValue): boolean {
  return typeof x === 'number' && inBounds(s, x);
}

/** An int, or a pair (h, w) of them, within the bounds (None allowed in a position with allowNone). */
function intOrPair(s: ArgSignature, v: PyValue, allowNone: boolean): string | undefined {
  if (fitsInt(s, v, allowNone) || (Array.isArray(v) && v.length === 2 && fitsInt(s, v[0], allowNone) && fitsInt(s, v[1], allowNone))) return undefined;
  return `must be an int${boundsSuffix(s)} or a pair (h, w) of them`;
}

const boundsSuffix = (s: ArgSignature) => (boundsText(s) ? ` ${boundsText(s)}` : '');

/** Returns what is wrong with the value ("must be …"), or undefined when it fits. */
export function checkValue(s: ArgSignature, v: PyValue): string | undefined {
  if (s.onlySupported !== undefined && v !== s.onlySupported) return `is only supported as ${formatPy(s.onlySupported)} in CNN Lab`;
  if (v === null) return s.default === null ? undefined : `must not be None`;
  switch (s.kind) {
    case 'int':
    case 'optionalInt':
      return fitsInt(s, v, false) ? undefined : `must be an integer${boundsSuffix(s)}`;
    case 'float':
      return fitsNumber(s, v) ? undefined : `must be a number${boundsSuffix(s)}`;
    case 'bool':
      return typeof v === 'boolean' ? undefined : 'must be True or False';
    case 'enum':
      return typeof v === 'string' && s.values?.includes(v) ? undefined : `must be one of ${(s.values ?? []).map((x) => `'${x}'`).join(', ')}`;
    case 'pair':
    case 'optionalPair':
      return intOrPair(s, v, false);
    case 'outputSize':
      return intOrPair(s, v, true);
    case 'padding':
      return v === 'same' || v === 'valid' ? undefined : typeof v === 'string' ? "must be an int, a pair, 'same' or 'valid'" : intOrPair(s, v, false);
    case 'sizes':
      return Array.isArray(v) && v.length > 0 && v.every((x) => fitsInt(s, x, false)) ? undefined : `must be a tuple of integers${boundsSuffix(s)}, e.g. (32, 7, 7)`;
    case 'scale':
      if (fitsNumber(s, v) || (Array.isArray(v) && v.length === 2 && fitsNumber(s, v[0]) && fitsNumber(s, v[1]))) return undefined;
      return `must be a number${boundsSuffix(s)} or a pair (h, w) of them`;
    case 'range':
      if (fitsNumber(s, v) || (Array.isArray(v) && v.length === 2 && fitsNumber(s, v[0]) && fitsNumber(s, v[1]) && (v[0] as number) <= (v[1] as number))) return undefined;
      return `must be a number${boundsSuffix(s)} or a range (min, max) of them`;
    case 'numbers':
      return checkNumbers(s, v);
  }
}

/** A number or a sequence of numbers of an accepted length (or one of the argument's string values). */
function checkNumbers(s: ArgSignature, v: PyValue): string | undefined {
  if (typeof v === 'string' && s.values?.includes(v)) return undefined;
  const fits = (x: PyValue) => fitsNumber(s, x) && (!s.integer || isInt(x));
  const lengths = s.lengths ?? [];
  if (!s.noScalar && fits(v)) return undefined;
  if (Array.isArray(v) && lengths.includes(v.length) && v.every(fits)) return undefined;
  const what = s.integer ? 'integer' : 'number';
  const seq = lengths.length ? `a sequence of ${lengths.join(' or ')} ${what}s` : '';
  const options = [s.noScalar ? '' : `a${s.integer ? 'n' : ''} ${what}`, seq, ...(s.values ?? []).map((x) => `'${x}'`)].filter(Boolean);
  return `must be ${options.join(' or ')}${boundsSuffix(s)}`;
}

/**
 * A weight file's state_dict against a model's: which keys load, which the model misses, which the file has in
 * excess and which disagree in shape (with the layer each belongs to, so the editor can say it on that line). A
 * shape change in the head (the last layer with weights: a new number of classes) is a replaced head, whose old
 * weights are skipped, not a mismatch.
 */
import type { StateKey } from './stateKeys';
import type { ResolvedLayer } from './types';

/** What a match needs of a weight file: its keys, in file order, and their shapes. */
export type StateShapes = ReadonlyMap<string, { readonly shape: readonly number[] }>;

export interface ShapeMismatch {
  key: string;
  /** What the model file says (torch's layout). */
  expected: number[];
  /** What the weight file holds. */
  found: readonly number[];
  layer: ResolvedLayer;
}

export interface StateMatch {
  /** Keys present in both with equal shapes. */
  matched: StateKey[];
  /** The model's keys the file lacks. */
  missing: StateKey[];
  /** The file's keys the model has not. */
  unexpected: string[];
  mismatched: ShapeMismatch[];
  /** Shape changes in the head (the last layer with weights): skipped, the head keeps its initialisation. */
  replaced: ShapeMismatch[];
}

/** Compares the model's state_dict entries with a file's, key by key. */
export function matchState(keys: readonly StateKey[], file: StateShapes): StateMatch {
  const result: StateMatch = { matched: [], missing: [], unexpected: [], mismatched: [], replaced: [] };
  const known = new Set<string>();
  const head = keys[keys.length - 1]?.layer;
  for (const k of keys) {
    known.add(k.key);
    const t = file.get(k.key);
    if (!t) result.missing.push(k);
    else if (t.shape.join() !== k.shape.join()) (k.layer === head ? result.replaced : result.mismatched).push({ key: k.key, expected: k.shape, found: t.shape, layer: k.layer });
    else result.matched.push(k);
  }
  for (const name of file.keys()) if (!known.has(name)) result.unexpected.push(name);
  return result;
}

/** True when a strict load accepts the file: every key present, none in excess, every shape equal (but a replaced head's). */
export function isExactMatch(m: StateMatch): boolean {
  return m.missing.length === 0 && m.unexpected.length === 0 && m.mismatched.length === 0;
}

/** One line about what did not match (for errors and the CLI), listing a few keys of each kind. */
export function describeMismatch(m: StateMatch): string {
  const few = (names: string[]) => names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  const parts: string[] = [];
  if (m.missing.length) parts.push(`${m.missing.length} missing (${few(m.missing.map((k) => k.key))})`);
  if (m.unexpected.length) parts.push(`${m.unexpected.length} unexpected (${few(m.unexpected)})`);
  if (m.mismatched.length) parts.push(`${m.mismatched.length} of another shape (${few(m.mismatched.map((x) => `${x.key}: file [${x.found}], model [${x.expected}]`))})`);
  return parts.join('; ');
}

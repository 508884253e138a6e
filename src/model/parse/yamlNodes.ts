/** Small helpers over the `yaml` package's nodes: ranges, Python values, map lookups. */
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { PyValue, Range } from '../types';
import type { SourceText } from './sourceText';

/** Range of a node's value (without trailing comments); the fallback is used for missing nodes. */
export function nodeRange(src: SourceText, node: unknown, fallback?: Range): Range {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  if (!r) return fallback ?? src.range(0, 0);
  // Block collections end after their last line break; the range should stop at the last character.
  let end = r[1];
  while (end > r[0] && /\s/.test(src.text[end - 1])) end--;
  return src.range(r[0], end);
}

/** A YAML value as a Python literal; mappings are not Python literals, so they give an error message. */
export function toPyValue(node: unknown): { value: PyValue } | { error: string } {
  if (node == null) return { value: null };
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null) return { value: v };
    return { value: String(v) };
  }
  if (isSeq(node)) {
    const items: PyValue[] = [];
    for (const item of node.items) {
      const r = toPyValue(item);
      if ('error' in r) return r;
      items.push(r.value);
    }
    return { value: items };
  }
  return { error: 'Expected a number, string, boolean or list here, not a mapping' };
}

/** The string of a scalar key, or undefined. */
export function keyName(pair: Pair): string | undefined {
  return isScalar(pair.key) && pair.key.value != null ? String(pair.key.value) : undefined;
}

/** The pairs of a map node, with their key names. */
export function entries(map: YAMLMap): Array<{ key: string; pair: Pair }> {
  const out: Array<{ key: string; pair: Pair }> = [];
  for (const pair of map.items) {
    const key = keyName(pair);
    if (key !== undefined) out.push({ key, pair });
  }
  return out;
}

export function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => keyName(p) === key);
}

export { isMap, isScalar, isSeq };
export type { Node };

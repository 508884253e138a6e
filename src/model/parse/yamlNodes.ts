/** Small helpers over the `yaml` package's nodes: ranges, Python values, map lookups. */
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { PyValue, Range } from '../types';
import { parseExpression } from './pyCall';
import type { SourceText } from './sourceText';

/** What a plain scalar must be to be evaluated: digits, brackets and operators only, with a binary operator after an operand. */
const ARITHMETIC_CHARS = /^[\d\s().*/%+-]+$/;
const BINARY_OPERATOR = /[\d.)]\s*[-+*/%]/;

/** Range of a node's value, from its first to its last character; the fallback is used for missing nodes. */
export function nodeRange(src: SourceText, node: unknown, fallback?: Range): Range {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  if (!r) return fallback ?? src.range(0, 0);
  // Block collections end after their last line break (and any trailing comment): stop at the last item's end.
  let end = Math.max(r[0], contentEnd(node) ?? r[1]);
  while (end > r[0] && isSpace(src.text.charCodeAt(end - 1))) end--;
  return src.range(r[0], end);
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** End offset of a node's last character of content: a block map or list ends with its last item, not its comments. */
function contentEnd(node: unknown): number | undefined {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  if (!r) return undefined;
  if (!(isMap(node) || isSeq(node)) || node.flow) return r[1];
  const last: unknown = node.items[node.items.length - 1];
  if (last === undefined) return r[1];
  if (isMap(node)) {
    const pair = last as Pair;
    return contentEnd(pair.value) ?? contentEnd(pair.key) ?? r[1];
  }
  return contentEnd(last) ?? r[1];
}

/**
 * A YAML value as a Python literal; mappings are not Python literals, so they give an error message. An unquoted
 * scalar of numbers and operators (`32*4*4`, `2**4`, `(28 - 4) // 2`) is evaluated as Python would, as in call syntax.
 */
export function toPyValue(node: unknown): { value: PyValue } | { error: string } {
  if (node == null) return { value: null };
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string' && node.type === 'PLAIN' && ARITHMETIC_CHARS.test(v) && BINARY_OPERATOR.test(v)) {
      const r = parseExpression(v);
      return 'error' in r ? { error: `${v}: ${r.error}` } : r;
    }
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

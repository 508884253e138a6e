/**
 * A tiny schema language for the `data` and `train` sections: each key with its doc, type, allowed values
 * and default. DATA_KEYS / TRAIN_KEYS are written in it, and one reader validates any section against it.
 */
import type { YAMLMap } from 'yaml';
import type { DiagnosticSink } from '../diagnostics';
import { didYouMean, suggestionSuffix } from '../didYouMean';
import type { SourceText } from '../parse/sourceText';
import { entries, isMap, isScalar, isSeq, nodeRange } from '../parse/yamlNodes';
import type { FixEdit, Range } from '../types';

export type ConfigValue = string | number | boolean | number[] | Array<string | number> | ConfigObject;
export interface ConfigObject {
  [key: string]: ConfigValue;
}

export interface KeyDoc {
  doc: string;
  type: 'enum' | 'number' | 'int' | 'bool' | 'string' | 'numbers' | 'pair' | 'object' | 'labels' | 'pipeline' | 'layers' | 'stages' | 'multipliers';
  values?: readonly string[];
  /** Shown in hovers; applied by the section's own defaults. */
  default?: ConfigValue;
  min?: number;
  max?: number;
  /** For type 'object'. */
  keys?: Record<string, KeyDoc>;
  /** For keys of an object: must be present when the object is. */
  required?: boolean;
}

export type SectionSchema = Record<string, KeyDoc>;

/** Validates a YAML mapping against the schema; invalid or unknown entries are reported and left out. */
export function readSection(node: unknown, schema: SectionSchema, where: string, src: SourceText, sink: DiagnosticSink, fallback: Range): ConfigObject {
  const out: ConfigObject = {};
  if (node == null || (isScalar(node) && node.value === null)) return out;
  if (!isMap(node)) {
    sink.error('bad-section', `${where} must be a mapping of keys (${Object.keys(schema).join(', ')})`, nodeRange(src, node, fallback));
    return out;
  }
  for (const { key, pair } of entries(node as YAMLMap)) {
    const keyRange = nodeRange(src, pair.key);
    const doc = schema[key];
    if (!doc) {
      const guess = didYouMean(key, Object.keys(schema));
      const fixes = guess ? [{ title: `Change to '${guess}'`, range: keyRange, newText: guess }] : undefined;
      sink.error('unknown-key', `Unknown key '${key}' in ${where}.${suggestionSuffix(guess)}${guess ? '' : ` Known keys: ${Object.keys(schema).join(', ')}`}`, keyRange, fixes);
      continue;
    }
    const value = readValue(pair.value, doc, `${where}.${key}`, src, sink, keyRange);
    if (value !== undefined) out[key] = value;
  }
  for (const [key, doc] of Object.entries(schema)) {
    if (doc.required && !(key in out) && !entries(node as YAMLMap).some((e) => e.key === key)) {
      sink.error('missing-key', `${where} needs '${key}' (${doc.doc})`, nodeRange(src, node, fallback));
    }
  }
  return out;
}

function readValue(node: unknown, doc: KeyDoc, where: string, src: SourceText, sink: DiagnosticSink, keyRange: Range): ConfigValue | undefined {
  const range = nodeRange(src, node, keyRange);
  if (doc.type === 'object') return readSection(node, doc.keys ?? {}, where, src, sink, keyRange);
  // A list of transform calls: read by the pipeline reader (src/model/transforms/pipeline.ts), which has the source ranges.
  if (doc.type === 'pipeline') return undefined;
  // Selections of layers by module name: read against the resolved layers (src/model/transfer.ts).
  if (doc.type === 'layers' || doc.type === 'stages' || doc.type === 'multipliers') return undefined;
  const fail = (what: string, fixes?: FixEdit[]) => {
    sink.error('bad-value', `${where} ${what}`, range, fixes);
    return undefined;
  };
  const bounds = doc.min !== undefined || doc.max !== undefined ? ` between ${doc.min ?? '−∞'} and ${doc.max ?? '∞'}` : '';
  const inBounds = (n: number) => (doc.min === undefined || n >= doc.min) && (doc.max === undefined || n <= doc.max);
  if (doc.type === 'labels') {
    const items = isSeq(node) ? node.items.map((i) => (isScalar(i) ? i.value : undefined)) : undefined;
    const ok = items && items.length > 0 && items.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v) && v >= 0));
    return ok ? (items as Array<string | number>) : fail('must be a list of class names or indices, e.g. [0, 1] or [T-shirt/top, Trouser]');
  }
  if (doc.type === 'numbers' || doc.type === 'pair') {
    const items = isSeq(node) ? node.items.map((i) => (isScalar(i) ? i.value : undefined)) : undefined;
    const ok = items?.every((n): n is number => typeof n === 'number' && inBounds(n)) && (doc.type === 'numbers' ? items.length > 0 : items.length === 2);
    return ok ? (items as number[]) : fail(`must be ${doc.type === 'pair' ? 'a pair [a, b]' : 'a list'} of numbers${bounds}`);
  }
  const v = isScalar(node) ? node.value : undefined;
  switch (doc.type) {
    case 'enum': {
      if (typeof v === 'string' && doc.values?.includes(v)) return v;
      const guess = typeof v === 'string' ? didYouMean(v, doc.values ?? []) : undefined;
      return fail(`must be one of ${doc.values?.join(', ')}${typeof v === 'string' ? `.${suggestionSuffix(guess)}` : ''}`, guess ? [{ title: `Change to '${guess}'`, range, newText: guess }] : undefined);
    }
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && inBounds(v) ? v : fail(`must be an integer${bounds}`);
    case 'number':
      return typeof v === 'number' && inBounds(v) ? v : fail(`must be a number${bounds}`);
    case 'bool':
      return typeof v === 'boolean' ? v : fail('must be true or false');
    case 'string':
      return typeof v === 'string' || typeof v === 'number' ? String(v) : fail('must be a string');
  }
}

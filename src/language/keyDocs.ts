/**
 * Documentation of the model file's keys (top level, data, train) as hovers and completion show it, read
 * from the core's MODEL_KEYS / DATA_KEYS / TRAIN_KEYS so the editor and the validator never disagree.
 */
import { DATA_KEYS, DATASET_INFO, MODEL_KEYS, TRAIN_KEYS, type ConfigValue, type KeyDoc, type SectionSchema } from '../model';
import type { WordAt } from './yamlContext';

export type Section = 'data' | 'train';

/** The model file's top-level keys and their docs (the core's MODEL_KEYS). */
export const TOP_LEVEL_KEYS: Readonly<Record<string, string>> = MODEL_KEYS;

/** Markdown for a top-level key. */
export function topLevelKeyDoc(key: string | undefined): string | undefined {
  const doc = key ? TOP_LEVEL_KEYS[key] : undefined;
  return doc && `**${key}** — ${doc}`;
}

function schemaOf(section: Section): SectionSchema {
  return section === 'data' ? DATA_KEYS : TRAIN_KEYS;
}

/** The keys one level below `parent` (the section itself when `parent` is the section or absent). */
export function keysUnder(section: Section, parent?: string): SectionSchema | undefined {
  if (!parent || parent === section) return schemaOf(section);
  return findObject(schemaOf(section), parent)?.keys;
}

function findObject(schema: SectionSchema, name: string): KeyDoc | undefined {
  for (const [key, doc] of Object.entries(schema)) {
    if (key === name && doc.keys) return doc;
    const inner = doc.keys && findObject(doc.keys, name);
    if (inner) return inner;
  }
  return undefined;
}

/** The documentation of `key` in `section`, nested under `parent` when given. */
export function keyDoc(section: Section, key: string, parent?: string): KeyDoc | undefined {
  return keysUnder(section, parent)?.[key];
}

/** One-line documentation of an allowed value, where the core has one (datasets). */
export function valueDoc(key: string, value: string): string | undefined {
  return key === 'dataset' && value in DATASET_INFO ? DATASET_INFO[value as keyof typeof DATASET_INFO].doc : undefined;
}

/** Markdown for a key or value under data / train. */
export function keyHoverMarkdown(section: Section, word: WordAt): string | undefined {
  if (word.role === 'key') {
    const doc = keyDoc(section, word.word, word.parent);
    const path = word.parent && word.parent !== section ? `${word.parent}.${word.word}` : word.word;
    return doc && keyMarkdown(`${section}.${path}`, word.word, doc);
  }
  if (word.role === 'value' && word.key) {
    const doc = keyDoc(section, word.key, word.parent) ?? keyDoc(section, word.key);
    if (!doc) return undefined;
    const known = !doc.values || doc.values.includes(word.word);
    const head = `**${word.key}: ${word.word}**` + (known ? '' : ` — not one of ${doc.values?.join(', ')}`);
    return [head, valueDoc(word.key, word.word), keyMarkdown(`${section}.${word.key}`, word.key, doc)].filter(Boolean).join('\n\n');
  }
  return undefined;
}

function keyMarkdown(path: string, key: string, doc: KeyDoc): string {
  const parts = [`**${path}**` + (doc.default !== undefined ? ` (default \`${formatConfigValue(doc.default)}\`)` : ''), doc.doc];
  if (doc.values?.length) {
    const described = doc.values.some((v) => valueDoc(key, v));
    parts.push('Values: ' + doc.values.map((v) => (valueDoc(key, v) ? `\`${v}\` — ${valueDoc(key, v)}` : `\`${v}\``)).join(described ? '  \n' : ', '));
  }
  if (doc.keys) parts.push('Keys: ' + Object.keys(doc.keys).map((k) => `\`${k}\``).join(', '));
  return parts.filter(Boolean).join('\n\n');
}

function formatConfigValue(value: ConfigValue): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

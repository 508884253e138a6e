/**
 * Line-level context for hovers and completion outside layers: which top-level section a line belongs to
 * and whether the word under the cursor is a key or the value of a key. Works on incomplete text, which
 * is what the editor mostly sees while the user types.
 */
import type { SourceText } from '../model/parse/sourceText';

/** The top-level key (`input`, `layers`, `data`, `train`, …) whose block contains `line`, if any. */
export function sectionOf(src: SourceText, line: number): string | undefined {
  for (let l = line; l >= 0; l--) {
    const text = src.lineText(l);
    const top = /^([A-Za-z_][\w-]*)\s*:/.exec(text);
    if (top) return top[1];
    if (/^\S/.test(text) && !text.startsWith('#')) return undefined;
  }
  return undefined;
}

/** The word under the cursor and its role. */
export interface WordAt {
  word: string;
  start: number;
  end: number;
  /** 'key' when followed by `:`, 'value' when it follows `key:`, else 'other'. */
  role: 'key' | 'value' | 'other';
  /** For values: the key they belong to. */
  key?: string;
  /** For keys nested in a flow or block mapping: the enclosing key (`early_stopping` for `patience`). */
  parent?: string;
}

const WORD = /[A-Za-z0-9_.\-/]/;

/** Finds the word at `character` in `line` (a YAML line, possibly with flow mappings). */
export function wordAt(line: string, character: number, parentFromIndent?: string): WordAt | undefined {
  let start = character;
  let end = character;
  while (start > 0 && WORD.test(line[start - 1])) start--;
  while (end < line.length && WORD.test(line[end])) end++;
  if (start === end) return undefined;
  const word = line.slice(start, end);
  const after = line.slice(end);
  if (/^\s*:(\s|$)/.test(after)) return { word, start, end, role: 'key', parent: enclosingKey(line, start) ?? parentFromIndent };
  const key = keyBefore(line, start);
  if (key) return { word, start, end, role: 'value', key };
  return { word, start, end, role: 'other' };
}

/** `foo: |bar` → 'foo'. */
function keyBefore(line: string, start: number): string | undefined {
  const m = /([A-Za-z_][\w-]*)\s*:\s*$/.exec(line.slice(0, start));
  return m?.[1];
}

/** The key that opens the innermost unclosed `{` before `start` (`early_stopping: {patience` → early_stopping). */
export function enclosingKey(line: string, start: number): string | undefined {
  let depth = 0;
  for (let i = start - 1; i >= 0; i--) {
    const c = line[i];
    if (c === '}' || c === ']') depth++;
    else if (c === '[') depth--;
    else if (c === '{') {
      if (depth === 0) return keyBefore(line, i);
      depth--;
    }
  }
  return undefined;
}

/** The key of the nearest less-indented line above `line` (block-style nesting). */
export function parentKeyByIndent(src: SourceText, line: number): string | undefined {
  const text = src.lineText(line);
  const indent = /^\s*/.exec(text)?.[0].length ?? 0;
  if (indent === 0) return undefined;
  for (let l = line - 1; l >= 0; l--) {
    const t = src.lineText(l);
    if (!t.trim() || t.trim().startsWith('#')) continue;
    const i = /^\s*/.exec(t)?.[0].length ?? 0;
    if (i < indent) return /^\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:/.exec(t)?.[1];
  }
  return undefined;
}

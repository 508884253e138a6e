/**
 * Works out what the user is typing from the text before the cursor: a layer name after `- `, an argument
 * of a call or mapping, a value, or a key of the data / train sections. The text is usually incomplete,
 * so this scans characters rather than parsing YAML.
 */
import { lookupLayerType } from '../model';
import type { SourceText } from '../model/parse/sourceText';
import type { LayerType, Position } from '../model/types';
import type { Section } from './keyDocs';
import { enclosingKey, parentKeyByIndent, sectionOf } from './yamlContext';

export type CompletionContext =
  | { kind: 'layerName' }
  | { kind: 'argName'; form: 'call' | 'mapping'; layer: LayerType; given: Set<string>; positional: number }
  | { kind: 'argValue'; form: 'call' | 'mapping'; layer: LayerType; arg: string }
  | { kind: 'transformName' }
  | { kind: 'topKey' }
  | { kind: 'sectionKey'; section: Section; parent?: string }
  | { kind: 'sectionValue'; section: Section; key: string; parent?: string };

/** The completion context at `pos`, or undefined where nothing sensible can be offered. */
export function completionContext(src: SourceText, pos: Position): CompletionContext | undefined {
  const before = src.lineText(pos.line).slice(0, pos.character);
  if (/^[A-Za-z_]*$/.test(before)) return { kind: 'topKey' };
  const section = sectionOf(src, pos.line);
  if (section === 'layers') return layerContext(src, pos.line, before);
  if (section === 'data' && transformNameContext(before, parentKeyByIndent(src, pos.line))) return { kind: 'transformName' };
  if (section === 'data' || section === 'train') return sectionContext(section, before, parentKeyByIndent(src, pos.line));
  return undefined;
}

function layerContext(src: SourceText, line: number, before: string): CompletionContext | undefined {
  if (/^\s*-\s+[A-Za-z_]*$/.test(before) || /^\s*-\s*$/.test(before)) return { kind: 'layerName' };
  const call = /^\s*-\s+(?:nn\.)?([A-Za-z_]\w*)\((.*)$/.exec(before);
  if (call) return argsContext(call[1], call[2], 'call');
  const flow = /^\s*-\s+([A-Za-z_]\w*)\s*:\s*\{(.*)$/.exec(before);
  if (flow) return argsContext(flow[1], flow[2], 'mapping');
  return blockMappingContext(src, line, before);
}

/** Arguments inside `Name(` … or `name: {` …, given the text after the opening bracket. */
function argsContext(name: string, inside: string, form: 'call' | 'mapping'): CompletionContext | undefined {
  const layer = lookupLayerType(name);
  if (!layer) return undefined;
  const segments = splitTopLevel(inside);
  if (!segments) return undefined;
  const current = segments.pop() ?? '';
  const given = new Set<string>();
  let positional = 0;
  const kw = form === 'call' ? /^\s*(\w+)\s*=/ : /^\s*(\w+)\s*:/;
  for (const s of segments) {
    const m = kw.exec(s);
    if (m) given.add(m[1]);
    else if (s.trim()) positional++;
  }
  const value = (form === 'call' ? /^\s*(\w+)\s*=\s*['"]?[\w-]*$/ : /^\s*(\w+)\s*:\s*[\w-]*$/).exec(current);
  if (value) return { kind: 'argValue', form, layer, arg: value[1] };
  if (/^\s*\w*$/.test(current)) return { kind: 'argName', form, layer, given, positional };
  return undefined;
}

/** Splits at commas outside brackets and quotes; undefined when the bracket was already closed. */
function splitTopLevel(text: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return undefined;
      depth--;
    } else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth > 0 || quote) {
    // Inside a tuple or string: no argument completion there.
    return undefined;
  }
  out.push(text.slice(start));
  return out;
}

/** A key line under `- conv2d:` (block mapping form). */
function blockMappingContext(src: SourceText, line: number, before: string): CompletionContext | undefined {
  const m = /^(\s+)(\w*)(\s*:\s*[\w-]*)?$/.exec(before);
  if (!m) return undefined;
  const indent = m[1].length;
  const given = new Set<string>();
  for (let l = line - 1; l >= 0; l--) {
    const text = src.lineText(l);
    if (!text.trim()) continue;
    const i = /^\s*/.exec(text)?.[0].length ?? 0;
    const key = /^\s*(\w+)\s*:/.exec(text);
    if (i === indent && key) {
      given.add(key[1]);
      continue;
    }
    const head = /^\s*-\s+([A-Za-z_]\w*)\s*:\s*$/.exec(text);
    const layer = head && i < indent ? lookupLayerType(head[1]) : undefined;
    if (!layer) return undefined;
    if (m[3]) return { kind: 'argValue', form: 'mapping', layer, arg: m[2] };
    return { kind: 'argName', form: 'mapping', layer, given, positional: 0 };
  }
  return undefined;
}

/** A transform name being typed in data.transforms.train / test: `train: [Resize(256), Cen` or a `- Cen` item. */
function transformNameContext(before: string, indentParent: string | undefined): boolean {
  if (/^\s*-\s*[A-Za-z_]*$/.test(before)) return indentParent === 'train' || indentParent === 'test';
  const flow = /\b(?:train|test)\s*:\s*\[(.*)$/.exec(before);
  if (!flow || (enclosingKey(before, flow.index) ?? indentParent) !== 'transforms') return false;
  const current = splitTopLevel(flow[1])?.pop();
  return current !== undefined && /^\s*[A-Za-z_]*$/.test(current);
}

function sectionContext(section: Section, before: string, indentParent: string | undefined): CompletionContext | undefined {
  const parent = enclosingKey(before, before.length) ?? indentParent;
  const value = /([A-Za-z_]\w*)\s*:\s*[\w.-]*$/.exec(before);
  if (value && value[1] !== section) return { kind: 'sectionValue', section, key: value[1], parent: enclosingKey(before, value.index) ?? indentParent };
  if (/^\s+[A-Za-z_]*$/.test(before) || /[{,]\s*[A-Za-z_]*$/.test(before)) return { kind: 'sectionKey', section, parent };
  return undefined;
}

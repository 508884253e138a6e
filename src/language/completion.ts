/**
 * Completion items for model files: layer names in both forms (with snippets), transform names in
 * data.transforms lists, argument names and values,
 * top-level keys, and the keys and values of data / train, each with its documentation.
 */
import { LAYER_CATALOG, type ArgSignature } from '../model';
import type { CallSignature } from '../model/layers/argDocs';
import { TRANSFORM_CATALOG } from '../model/transforms/catalog';
import { formatPy } from '../model/layers/formatPy';
import type { SourceText } from '../model/parse/sourceText';
import type { LayerType, Position } from '../model/types';
import { completionContext, type CompletionContext } from './completionContext';
import { keyDoc, keysUnder, TOP_LEVEL_KEYS, valueDoc } from './keyDocs';
import { DiagnosticSink } from '../model/diagnostics';
import { readModelFile } from '../model/parse/modelFile';
import { DEFAULT_TASK, TASKS, type TaskName } from '../model/tasks/registry';

export type CompletionKind = 'layer' | 'transform' | 'argument' | 'value' | 'key';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  /** Text to insert; a VS Code snippet when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  detail: string;
  /** Markdown. */
  documentation: string;
  /** Keeps call forms before mapping forms and required arguments first. */
  sortText: string;
}

/** Completion entries at `pos` (empty when the position offers nothing). */
export function completionsAt(src: SourceText, pos: Position): CompletionEntry[] {
  const ctx = completionContext(src, pos);
  return ctx ? entriesFor(ctx, src) : [];
}

function entriesFor(ctx: CompletionContext, src: SourceText): CompletionEntry[] {
  switch (ctx.kind) {
    case 'layerName':
      return layerNameEntries();
    case 'transformName':
      return transformNameEntries();
    case 'argName':
      return argNameEntries(ctx.layer, ctx.form, ctx.given, ctx.positional);
    case 'argValue':
      return argValueEntries(ctx.layer, ctx.arg, ctx.form);
    case 'topKey':
      return Object.entries(TOP_LEVEL_KEYS).map(([key, doc], i) => entry(key, 'key', `${key}: `, false, 'model file key', doc, i));
    case 'sectionKey':
      return Object.entries(keysUnder(ctx.section, ctx.parent) ?? {}).map(([key, doc], i) =>
        entry(key, 'key', doc.keys ? `${key}: {$1}` : `${key}: `, !!doc.keys, `${ctx.section}.${key}: ${doc.type}`, doc.doc, i),
      );
    case 'sectionValue': {
      const doc = keyDoc(ctx.section, ctx.key, ctx.parent) ?? keyDoc(ctx.section, ctx.key);
      let values = doc?.values ?? (doc?.type === 'bool' ? ['true', 'false'] : []);
      // Losses: those of the file's task, its default first.
      if (ctx.section === 'train' && ctx.key === 'loss' && (ctx.parent ?? 'train') === 'train') values = TASKS[fileTask(src)].losses;
      return values.map((v, i) => entry(v, 'value', v, false, `${ctx.section}.${ctx.key}`, valueDoc(ctx.key, v) ?? doc?.doc ?? '', i));
    }
  }
}

/** The task the file names (the default when it names none or is being edited into shape). */
function fileTask(src: SourceText): TaskName {
  return readModelFile(src, new DiagnosticSink()).task?.value ?? DEFAULT_TASK;
}

function entry(label: string, kind: CompletionKind, insertText: string, snippet: boolean, detail: string, documentation: string, order: number): CompletionEntry {
  return { label, kind, insertText, snippet, detail, documentation, sortText: String(order).padStart(3, '0') };
}

/** `Conv2d(in_channels, out_channels, kernel_size, stride=1, …)`. */
export function signatureText(type: LayerType): string {
  return callText(LAYER_CATALOG[type]);
}

function callText(sig: CallSignature): string {
  const args = sig.args.map((a) => (a.default !== undefined ? `${a.name}=${formatPy(a.default)}` : a.name));
  return `${sig.type}(${args.join(', ')})`;
}

/** Every transform in call syntax, its required arguments as snippet placeholders. */
function transformNameEntries(): CompletionEntry[] {
  return Object.values(TRANSFORM_CATALOG).map((sig, i) => {
    const required = sig.args.filter((a) => a.required).map((a, j) => `\${${j + 1}:${a.name}}`).join(', ');
    const doc = '```python\n' + callText(sig) + '\n```\n\n' + sig.doc;
    return entry(`${sig.type}(…)`, 'transform', `${sig.type}(${required})$0`, true, sig.random ? 'random transform' : 'transform', doc, i);
  });
}

/** Each layer twice: call syntax `Conv2d(…)` and mapping form `conv2d: {…}` (or bare `relu`). */
function layerNameEntries(): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  const types = Object.keys(LAYER_CATALOG) as LayerType[];
  types.forEach((type, i) => {
    const sig = LAYER_CATALOG[type];
    const doc = '```python\n' + signatureText(type) + '\n```\n\n' + sig.doc;
    const required = sig.args.filter((a) => a.required);
    const callArgs = required.map((a, j) => `\${${j + 1}:${a.name}}`).join(', ');
    out.push({ ...entry(`${type}(…)`, 'layer', `${type}(${callArgs})$0`, true, 'PyTorch call syntax', doc, i), sortText: `a${pad(i)}` });
    const lower = type.toLowerCase();
    const mapped = required.filter((a) => !a.inferred);
    const mapping = mapped.length
      ? `${lower}: {${mapped.map((a, j) => `${a.name}: \${${j + 1}}`).join(', ')}}$0`
      : lower;
    const label = mapped.length ? `${lower}: {…}` : lower;
    out.push({ ...entry(label, 'layer', mapping, mapped.length > 0, 'mapping form', doc, i), sortText: `b${pad(i)}` });
  });
  return out;
}

function argNameEntries(type: LayerType, form: 'call' | 'mapping', given: Set<string>, positional: number): CompletionEntry[] {
  const args = LAYER_CATALOG[type].args;
  return args
    .filter((a, i) => i >= positional && !given.has(a.name) && a.onlySupported === undefined)
    .map((a, i) => {
      const insert = form === 'call' ? `${a.name}=` : `${a.name}: `;
      return entry(a.name, 'argument', insert, false, argDetail(a), a.doc, a.required ? i : 100 + i);
    });
}

function argDetail(a: ArgSignature): string {
  if (a.default !== undefined) return `${a.pyType} = ${formatPy(a.default)}`;
  return a.inferred ? `${a.pyType} (inferred if omitted)` : `${a.pyType} (required)`;
}

/** Values for enum, boolean and padding arguments, spelled for the form (Python or YAML). */
function argValueEntries(type: LayerType, name: string, form: 'call' | 'mapping'): CompletionEntry[] {
  const sig = LAYER_CATALOG[type].args.find((a) => a.name === name);
  if (!sig) return [];
  const strings = sig.values ?? (sig.kind === 'padding' ? ['same', 'valid'] : []);
  const values: Array<[string, string]> = strings.map((v) => [form === 'call' ? `'${v}'` : v, v]);
  if (sig.kind === 'bool') values.push(...(form === 'call' ? [['True', 'true'], ['False', 'false']] : [['true', 'true'], ['false', 'false']]) as Array<[string, string]>);
  return values.map(([text], i) => entry(text, 'value', text, false, `${type}.${name}`, sig.doc, i));
}

function pad(i: number): string {
  return String(i).padStart(3, '0');
}

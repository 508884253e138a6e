/** Text edits on one layer item that keep the way it is written (call syntax, flow or block mapping). */
import { LAYER_CATALOG } from '../model';
import { formatPy } from '../model/layers/formatPy';
import type { SourceText } from '../model/parse/sourceText';
import type { ArgSpec, LayerSpec } from '../model/spec';
import type { FixEdit, LayerType, PyValue } from '../model/types';
import { formatYaml } from './format';

/** The written argument that binds to `name`, by keyword or by position in torch's order. */
export function writtenArg(type: LayerType, spec: LayerSpec, name: string): ArgSpec | undefined {
  const index = LAYER_CATALOG[type].args.findIndex((a) => a.name === name);
  let position = 0;
  for (const arg of spec.args) {
    if (arg.name === name) return arg;
    if (!arg.name) {
      if (position === index) return arg;
      position++;
    }
  }
  return undefined;
}

/** An edit that sets argument `name` to `value`: replaces the written value, or adds the argument. */
export function setArgumentEdit(src: SourceText, type: LayerType, spec: LayerSpec, name: string, value: PyValue, title: string): FixEdit | undefined {
  const text = spec.form === 'call' ? formatPy(value) : formatYaml(value);
  const existing = writtenArg(type, spec, name);
  if (existing) return { title, range: existing.valueRange, newText: text };
  const last = spec.args[spec.args.length - 1];
  if (spec.form === 'call') {
    if (!last) return undefined;
    return { title, range: { start: last.valueRange.end, end: last.valueRange.end }, newText: `, ${name}=${text}` };
  }
  if (spec.form === 'bare' || !last) {
    // `relu` or `conv2d:` with nothing after it: rewrite the item as a flow mapping.
    return { title, range: spec.range, newText: `${spec.name}: {${name}: ${text}}` };
  }
  if (!last.name) return undefined;
  if (isFlowMapping(src, spec)) return { title, range: { start: last.valueRange.end, end: last.valueRange.end }, newText: `, ${name}: ${text}` };
  const first = spec.args[0].nameRange ?? spec.args[0].valueRange;
  return { title, range: { start: last.valueRange.end, end: last.valueRange.end }, newText: `\n${' '.repeat(first.start.character)}${name}: ${text}` };
}

/** `conv2d: {…}` rather than a block mapping on the following lines. */
function isFlowMapping(src: SourceText, spec: LayerSpec): boolean {
  const first = spec.args[0];
  const from = src.offset(spec.nameRange.end);
  const to = src.offset((first.nameRange ?? first.valueRange).start);
  return src.text.slice(from, to).includes('{');
}

/**
 * Code actions at a position: the core's quick fixes for diagnostics there, "keep the size" padding for a
 * convolution that shrinks the feature map, and converting a layer between call syntax and mapping form.
 */
import { layerAt } from '../model';
import { formatPy } from '../model/layers/formatPy';
import type { SourceText } from '../model/parse/sourceText';
import type { LayerSpec } from '../model/spec';
import type { Conv2dArgs, Diagnostic, FixEdit, ModelAnalysis, PyValue, Range, ResolvedLayer } from '../model/types';
import { toCallForm, toMappingForm } from './convertForm';
import { shapeLabel } from './format';
import { setArgumentEdit } from './layerEdits';
import { readLayerSyntax } from './layerSyntax';

export interface CodeActionEntry {
  title: string;
  kind: 'quickfix' | 'refactor.rewrite';
  edits: Array<{ range: Range; newText: string }>;
  /** The diagnostic this action fixes (quick fixes from the core). */
  diagnostic?: Diagnostic;
  preferred?: boolean;
}

/** All actions for the selection `range`. */
export function codeActionsAt(analysis: ModelAnalysis, src: SourceText, range: Range): CodeActionEntry[] {
  const actions: CodeActionEntry[] = [];
  for (const diagnostic of analysis.diagnostics) {
    if (!overlaps(diagnostic.range, range)) continue;
    for (const fix of diagnostic.fixes ?? []) actions.push(fromFix(fix, diagnostic, diagnostic.fixes?.length === 1));
  }
  const layer = layerAt(analysis, range.start);
  const spec = layer && readLayerSyntax(src, layer.range);
  if (layer && spec) {
    actions.push(...keepSizeActions(src, layer, spec));
    const copies = analysis.layers.filter((l) => l.range.start.line === layer.range.start.line && l.range.start.character === layer.range.start.character);
    const convert = convertAction(layer, spec, copies);
    if (convert) actions.push(convert);
  }
  return actions;
}

function fromFix(fix: FixEdit, diagnostic: Diagnostic, preferred: boolean): CodeActionEntry {
  return { title: fix.title, kind: 'quickfix', edits: [{ range: fix.range, newText: fix.newText }], diagnostic, preferred };
}

/** Both ends inclusive: a cursor touching a diagnostic still gets its fixes. */
function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character <= q.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

/** "Convert to mapping form" / "Convert to call syntax" for the layer under the cursor. */
export function convertAction(layer: ResolvedLayer, spec: LayerSpec, copies: ResolvedLayer[]): CodeActionEntry | undefined {
  const toMapping = spec.form === 'call';
  const layerText = toMapping ? toMappingForm(layer, spec) : toCallForm(layer, spec, copies);
  if (!layerText) return undefined;
  // A graph item keeps its wiring: `as:` / `from:` keys under the mapping, `name = …(input)` around the call.
  const indent = ' '.repeat(spec.range.start.character);
  // A bare name (`relu`) cannot carry keys beside it: a wired item takes the empty mapping form, `relu: {}`.
  const mapping = (spec.as || spec.from) && !layerText.includes(':') ? `${layerText}: {}` : layerText;
  const text = toMapping
    ? `${mapping}${spec.as ? `\n${indent}as: ${spec.as.name}` : ''}${spec.from ? `\n${indent}from: ${spec.from.name}` : ''}`
    : `${spec.as ? `${spec.as.name} = ` : ''}${layerText}${spec.from ? `(${spec.from.name})` : ''}`;
  return {
    title: toMapping ? `Convert ${layer.type} to mapping form` : `Convert ${layer.type} to call syntax`,
    kind: 'refactor.rewrite',
    edits: [{ range: spec.range, newText: text }],
  };
}

/**
 * For a stride-1 Conv2d whose output is smaller than its input: padding that keeps the size, as a number
 * when the kernel allows symmetric padding (odd effective size), and as 'same' (torch pads asymmetrically).
 */
export function keepSizeActions(src: SourceText, layer: ResolvedLayer, spec: LayerSpec): CodeActionEntry[] {
  if (layer.type !== 'Conv2d' || layer.inputShape.length !== 3 || layer.outputShape.length !== 3) return [];
  const args = layer.args as Conv2dArgs;
  const [, h, w] = layer.inputShape;
  const [, oh, ow] = layer.outputShape;
  if (args.stride[0] !== 1 || args.stride[1] !== 1 || (oh === h && ow === w)) return [];
  const size = `${h}×${w}`;
  const actions: CodeActionEntry[] = [];
  const span = [0, 1].map((d) => args.dilation[d] * (args.kernel_size[d] - 1));
  if (span.every((s) => s % 2 === 0)) {
    const pad: PyValue = span[0] === span[1] ? span[0] / 2 : [span[0] / 2, span[1] / 2];
    const edit = setArgumentEdit(src, layer.type, spec, 'padding', pad, `Set padding=${formatPy(pad)} to keep ${size}`);
    if (edit) actions.push({ title: edit.title, kind: 'quickfix', edits: [edit], preferred: true });
  }
  const same = setArgumentEdit(src, layer.type, spec, 'padding', 'same', `Set padding='same' to keep ${size} (from ${shapeLabel(layer.outputShape)})`);
  if (same) actions.push({ title: same.title, kind: 'quickfix', edits: [same] });
  return actions;
}

/**
 * The core's diagnostics for a PyTorch model, made right for Python: messages name other cells as such, a torch.nn
 * layer CNN Lab lacks is information (the code is valid PyTorch), and a missing flatten gets a fix that writes
 * Python (`x = torch.flatten(x, 1)` above the forward line, or `nn.Flatten(),` into the nn.Sequential).
 */
import type { SourceText } from '../model/parse/sourceText';
import type { LayerSpec } from '../model/spec';
import type { Diagnostic, FixEdit, Range } from '../model/types';
import { rangeContains } from '../model';
import { inOtherCell, localMessage } from './cellText';
import type { PyModel } from './analyzePython';

const FLATTEN_CODES = new Set(['linear-needs-flatten', 'in-features-mismatch', 'linear-on-3d']);

export function pythonFixes(diagnostics: Diagnostic[], model: PyModel, src: SourceText): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (inOtherCell(d.range) || d.code === 'unused-output') continue;
    const fixed: Diagnostic = { ...d, message: localMessage(d.message) };
    if (d.code === 'unsupported-layer') fixed.severity = 'info';
    if (FLATTEN_CODES.has(d.code)) {
      const layer = layerAround(model, d.range);
      // Only feature maps need flattening (a Linear after a Flatten with the wrong count needs its count fixed).
      const maps = (model.analysis?.layers.find((l) => l.range === layer?.range)?.inputShape.length ?? 0) > 1;
      const fix = layer && maps ? flattenFix(layer, model, src) : undefined;
      // The core's "insert Flatten()" edits a model file's list; here only its value edits apply.
      const kept = (d.fixes ?? []).filter((f) => !f.title.startsWith('Insert'));
      if (fix || kept.length !== (d.fixes ?? []).length) fixed.fixes = fix ? [fix, ...kept] : kept;
    }
    out.push(fixed);
  }
  return out;
}

function layerAround(model: PyModel, range: Range): LayerSpec | undefined {
  return model.items.find((i): i is LayerSpec => i.kind === 'layer' && rangeContains(i.range, range.start) && rangeContains(i.range, range.end));
}

/** Flatten before the layer, written where the layer is applied: in forward, or in its nn.Sequential. */
function flattenFix(layer: LayerSpec, model: PyModel, src: SourceText): FixEdit | undefined {
  const use = model.uses.find((u) => u.item === layer);
  if (use) {
    const line = src.lineText(use.range.start.line);
    const indent = /^\s*/.exec(line)![0];
    const call = src.text.slice(src.offset(use.range.start), src.offset(use.range.end));
    const tensor = /\(\s*([A-Za-z_]\w*)\s*\)$/.exec(call)?.[1];
    if (!tensor) return undefined;
    const at = { line: use.range.start.line, character: 0 };
    return { title: `Insert ${tensor} = torch.flatten(${tensor}, 1) before this line`, range: { start: at, end: at }, newText: `${indent}${tensor} = torch.flatten(${tensor}, 1)\n` };
  }
  // In an nn.Sequential: nn.Flatten() as the item before, with the same prefix (nn., torch.nn.) as the layer.
  const start = src.offset(layer.range.start);
  const prefix = src.text.slice(start, src.offset(layer.nameRange.start));
  const line = src.lineText(layer.range.start.line);
  const before = line.slice(0, layer.range.start.character);
  const at = layer.range.start;
  const newText = /^\s*$/.test(before) ? `${prefix}Flatten(),\n${before}` : `${prefix}Flatten(), `;
  return { title: `Insert ${prefix}Flatten() before this layer`, range: { start: at, end: at }, newText };
}

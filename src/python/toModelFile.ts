/**
 * "Open as CNN Lab model": a PyTorch model read by analyzePython, written as a `*.cnn.yaml` text in call syntax.
 * Each layer is its resolved call (counts inferred by the core written out), the forward's skips and merges as
 * graph items (`skip = Conv2d(…)`, `Conv2d(…)(skip)`, `add(a, b)`), so the file analyses to the same shapes.
 */
import type { ItemSpec } from '../model/spec';
import type { PyModel } from './analyzePython';

export type ModelFileResult = { text: string } | { error: string };

export function toModelFile(model: PyModel, sourceName: string): ModelFileResult {
  const a = model.analysis;
  const name = model.definition.name;
  if (!a || !model.input) return { error: `${name} has no input shape yet: set one first (# cnnlab: input [C, H, W])` };
  if (a.diagnostics.some((d) => d.severity === 'error')) return { error: `${name} has errors: fix them first (see the Problems view)` };
  const lines: string[] = [];
  for (const item of model.items) {
    const text = itemText(item, model);
    if (text === undefined) return { error: `${name}: CNN Lab could not read every layer (see the info in the Problems view)` };
    lines.push(`  - ${text}`);
  }
  if (!model.followed || !lines.length || a.layers.some((l) => !l.outputShape.length)) return { error: `${name}: CNN Lab could not follow the whole forward, so it cannot write the model` };
  const data = model.input.dataset ? `\ndata: {dataset: ${model.input.dataset}}` : '';
  const text = `# ${name} from ${sourceName}, converted by CNN Lab ("Open as CNN Lab model").\nname: ${modelFileStem(name)}\ninput: [${model.input.shape.join(', ')}]\nlayers:\n${lines.join('\n')}${data}\n`;
  return { text };
}

function itemText(item: ItemSpec, model: PyModel): string | undefined {
  const as = item.as ? `${item.as.name} = ` : '';
  if (item.kind === 'merge') return `${as}${item.op}(${item.inputs.map((i) => i.name).join(', ')})`;
  if (item.kind !== 'layer') return undefined;
  const layer = model.analysis!.layers.find((l) => l.range === item.range);
  if (!layer) return undefined;
  return `${as}${layer.text}${item.from ? `(${item.from.name})` : ''}`;
}

/** `LeNet` → `le-net`, `my_model` → `my-model`: the model's name and file name. */
export function modelFileStem(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/_/g, '-').toLowerCase();
}

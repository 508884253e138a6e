/** Markdown for hovers on a layer and on its argument names. */
import { explainLayer, formatCount, LAYER_CATALOG, type ArgSignature } from '../model';
import { formatPairOrInt, formatPy } from '../model/layers/formatPy';
import type { LayerType, PyValue, ResolvedLayer } from '../model/types';
import { shapeLabel } from './format';

/** `stride=1, dilation=1, …`: the arguments left at torch's defaults (the core's summary omits them). */
export function defaultedArgs(layer: ResolvedLayer): string {
  const args = layer.args as unknown as Record<string, PyValue | undefined>;
  return LAYER_CATALOG[layer.type].args
    .filter((a) => !a.required && args[a.name] !== undefined && formatPairOrInt(args[a.name] as PyValue) === formatPairOrInt(a.default ?? null))
    .map((a) => `${a.name}=${formatPairOrInt(args[a.name] as PyValue)}`)
    .join(', ');
}

/** The full hover of a layer: resolved call, shapes, worked formulas, parameters, MACs, receptive field. */
export function layerHoverMarkdown(layer: ResolvedLayer): string {
  const explained = explainLayer(layer);
  const defaults = defaultedArgs(layer);
  const lines: string[] = [
    `**${layer.type}** · layer ${layer.index}`,
    '```python\n' + explained.summary + '\n```' + (defaults ? `\nDefaults: \`${defaults}\`` : ''),
    `**Shape** \`${shapeLabel(layer.inputShape)}\` → \`${shapeLabel(layer.outputShape)}\``,
  ];
  if (explained.shapeFormulas.length) lines.push('```text\n' + explained.shapeFormulas.join('\n') + '\n```');
  lines.push(`**Parameters** \`${explained.paramsFormula}\``);
  if (layer.frozen && layer.params) lines.push('**Frozen** by `train.freeze`: its parameters do not train' + (layer.buffers ? ' and its running statistics stay as they are (evaluation mode)' : ''));
  if (layer.buffers) lines.push(`**Buffers** ${formatCount(layer.buffers)} (running statistics: state, not trained)`);
  lines.push(`**MACs** \`${explained.macsFormula ?? formatCount(layer.macs)}\``);
  lines.push(`**Receptive field** ${explained.receptiveField}`);
  lines.push('---', LAYER_CATALOG[layer.type].doc);
  return lines.join('\n\n');
}

/** Hover for an argument name: its type, default and the course-style explanation. */
export function argumentHoverMarkdown(type: LayerType, name: string, resolved?: ResolvedLayer): string | undefined {
  const sig = findArg(type, name);
  if (!sig) return undefined;
  const head =
    `**${name}**: \`${sig.pyType}\`` +
    (sig.default !== undefined ? ` = \`${formatPy(sig.default)}\`` : sig.inferred ? ' (inferred when omitted)' : ' (required)');
  const value = resolved ? (resolved.args as unknown as Record<string, PyValue | undefined>)[name] : undefined;
  const here = value !== undefined ? `\n\nHere: \`${name}=${formatPy(value)}\`` : '';
  return `${head} — argument of ${type}\n\n${sig.doc}${here}`;
}

/** The signature entry of argument `name` of a layer type. */
export function findArg(type: LayerType, name: string): ArgSignature | undefined {
  return LAYER_CATALOG[type].args.find((a) => a.name === name);
}

/**
 * Converts a layer item between PyTorch call syntax (`Conv2d(1, 16, 3, padding=1)`) and the mapping form
 * (`conv2d: {in_channels: 1, out_channels: 16, kernel_size: 3, padding: 1}`), keeping every written value.
 */
import { LAYER_CATALOG } from '../model';
import { formatPy } from '../model/layers/formatPy';
import type { LayerSpec } from '../model/spec';
import type { PyValue, ResolvedLayer } from '../model/types';
import { formatYaml } from './format';

/** Written arguments as name → value in torch's order, positional ones named by the signature. */
function namedArgs(layer: ResolvedLayer, spec: LayerSpec): Map<string, PyValue> | undefined {
  const sig = LAYER_CATALOG[layer.type].args;
  const named = new Map<string, PyValue>();
  let position = 0;
  for (const arg of spec.args) {
    const name = arg.name ?? sig[position++]?.name;
    if (!name) return undefined;
    named.set(name, arg.value);
  }
  return new Map(sig.filter((a) => named.has(a.name)).map((a) => [a.name, named.get(a.name) as PyValue]));
}

/** The mapping form of a layer written as a call (`relu` for a call without arguments). */
export function toMappingForm(layer: ResolvedLayer, spec: LayerSpec): string | undefined {
  const args = namedArgs(layer, spec);
  if (!args) return undefined;
  const name = layer.type.toLowerCase();
  if (args.size === 0) return name;
  return `${name}: {${[...args].map(([k, v]) => `${k}: ${formatYaml(v)}`).join(', ')}}`;
}

/**
 * The call form of a layer written as a mapping: leading required arguments positional, the rest by keyword,
 * as PyTorch code is usually written. An omitted inferred argument (in_channels…) gets the value that arrives
 * when every copy of the layer (a `repeat` body runs several times) receives the same; otherwise it stays
 * omitted and the arguments after it are written by keyword.
 */
export function toCallForm(layer: ResolvedLayer, spec: LayerSpec, copies: ResolvedLayer[] = [layer]): string | undefined {
  const args = namedArgs(layer, spec);
  if (!args) return undefined;
  const parts: string[] = [];
  let positional = true;
  for (const sig of LAYER_CATALOG[layer.type].args) {
    let value = args.get(sig.name);
    if (value === undefined && sig.inferred && positional) value = agreedValue(copies, sig.name);
    if (value === undefined) {
      positional = false;
      continue;
    }
    positional = positional && !!sig.required;
    parts.push(positional ? formatPy(value) : `${sig.name}=${formatPy(value)}`);
  }
  return `${layer.type}(${parts.join(', ')})`;
}

/** The resolved value of `name` if all copies agree on it. */
function agreedValue(copies: ResolvedLayer[], name: string): PyValue | undefined {
  const values = copies.map((c) => formatPy((c.args as unknown as Record<string, PyValue>)[name] ?? null));
  if (values.some((v) => v !== values[0])) return undefined;
  const v = (copies[0].args as unknown as Record<string, PyValue | undefined>)[name];
  return Array.isArray(v) && v.length === 2 && v[0] === v[1] ? v[0] : v;
}

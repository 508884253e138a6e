/**
 * Writes a layer in PyTorch call syntax: channel and feature counts positionally, everything else as
 * keywords, e.g. "Conv2d(1, 16, kernel_size=3, padding=1)".
 */
import type { PyValue } from '../types';
import type { CallSignature } from './argDocs';
import { formatPairOrInt } from './formatPy';

const POSITIONAL = new Set(['in_channels', 'out_channels', 'in_features', 'out_features', 'num_features']);

/**
 * `values` maps argument names to what should be shown; arguments without a value are left out. `positional`
 * names the arguments written without their name (transforms pass their required ones). `format` writes a value:
 * a layer's equal pair as one number (kernel_size=3), a transform's pair as written (torchvision reads Resize(32)
 * and Resize((32, 32)), or translate=0.1, differently).
 */
export function renderCall(type: string, signature: CallSignature, values: ReadonlyMap<string, PyValue>, positional: ReadonlySet<string> = POSITIONAL, format: (v: PyValue) => string = formatPairOrInt): string {
  const parts: string[] = [];
  let positionalOpen = true;
  for (const a of signature.args) {
    if (!values.has(a.name)) {
      positionalOpen = false;
      continue;
    }
    const text = format(values.get(a.name) as PyValue);
    // A positional argument may only follow positional ones, as in Python.
    if (positionalOpen && positional.has(a.name)) parts.push(text);
    else {
      positionalOpen = false;
      parts.push(`${a.name}=${text}`);
    }
  }
  return `${type}(${parts.join(', ')})`;
}

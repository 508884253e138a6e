/** Python spelling of values, for messages and for layer text normalised to PyTorch call syntax. */
import type { PyValue } from '../types';

export function formatPy(v: PyValue): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? "float('inf')" : "float('-inf')";
  if (v.length === 1) return `(${formatPy(v[0])},)`;
  return `(${v.map(formatPy).join(', ')})`;
}

/** A resolved pair prints as one int when both sides agree, as PyTorch users write it. */
export function formatPairOrInt(v: PyValue): string {
  if (Array.isArray(v) && v.length === 2 && v[0] === v[1] && typeof v[0] === 'number') return String(v[0]);
  return formatPy(v);
}

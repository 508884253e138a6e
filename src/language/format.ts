/**
 * Small text formatters for the editor and the panels: shapes as `16×28×28` (the core's formatShape prints
 * `[16, 28, 28]`), compact counts, bytes and YAML literals. Counts themselves use the core's formatCount.
 */
import type { PyValue, Shape } from '../model/types';

/** `[16, 28, 28]` → `16×28×28`. */
export function shapeLabel(shape: Shape): string {
  return shape.length ? shape.join('×') : '?';
}

/** `1234567` → `1.23M`: compact figures for MACs in tight places. */
export function formatCompact(n: number): string {
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, unit] of units) if (Math.abs(n) >= size) return `${(n / size).toFixed(2).replace(/\.?0+$/, '')}${unit}`;
  return String(n);
}

/** Bytes as `1.25 MB` (decimal megabytes, as torchinfo prints them). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(2)} kB`;
  return `${bytes} B`;
}

/** A value as a YAML flow scalar/sequence: `[3, 3]`, `true`, `null`, strings plain when safe. */
export function formatYaml(value: PyValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return /^[A-Za-z_][\w-]*$/.test(value) && !/^(true|false|null|yes|no|on|off)$/i.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(formatYaml).join(', ')}]`;
  return String(value);
}

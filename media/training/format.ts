/** Number and time formats shared by the Training and Compare panels (pure). */

/** A loss with 4 significant decimals; '—' for missing values. */
export function formatLoss(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : '—';
}

/** An accuracy in [0, 1] as a percentage with 2 decimals; '—' for missing values. */
export function formatPercent(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '—';
}

/** A learning rate in short scientific form (1e-3, 3.16e-4). */
export function formatLearningRate(v: number | null | undefined): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return v === 0 ? '0' : Number(v.toPrecision(3)).toExponential().replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** Seconds as `42s`, `3m 05s` or `1h 02m`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
}

/** An IoU in [0, 1] with 3 decimals (as papers and `cnnlab train` print mIoU); '—' for missing values. */
export function formatIou(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '—';
}

/**
 * Output-size arithmetic shared by the layer families, exactly as PyTorch computes it
 * (aten's conv/pool shape functions), one spatial dimension at a time.
 */

/** Convolution: ⌊(i + padTotal − d(k−1) − 1)/s⌋ + 1, with padTotal the padding of both sides. */
export function convOutputLength(i: number, k: number, s: number, padTotal: number, d: number): number {
  return Math.floor((i + padTotal - d * (k - 1) - 1) / s) + 1;
}

/** Pooling: like convolution with symmetric padding; in ceil_mode the last window must start inside the input or left padding. */
export function poolOutputLength(i: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = i + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= i + p) out--;
  return out;
}

/** Transposed convolution: (i − 1)s − 2p + d(k−1) + output_padding + 1. */
export function convTransposeOutputLength(i: number, k: number, s: number, p: number, d: number, outputPadding: number): number {
  return (i - 1) * s - 2 * p + d * (k - 1) + outputPadding + 1;
}

/** padding='same': torch pads d(k−1) in total, the odd one out at the end (bottom/right). */
export function samePadding(k: number, d: number): [before: number, after: number] {
  const total = d * (k - 1);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Real input rows/columns after the last window (floor mode), which the layer silently discards. Padding
 * left over at the end is not data, and when windows do not touch (k < s) every gap is skipped anyway.
 */
export function discardedLength(i: number, k: number, s: number, padBefore: number, padAfter: number, d: number): number {
  const effective = d * (k - 1) + 1;
  const span = i + padBefore + padAfter - effective;
  if (span < 0 || effective < s) return 0;
  return Math.max(0, (span % s) - padAfter);
}

/** Largest window adaptive pooling uses for one output cell (windows [⌊j·i/o⌋, ⌈(j+1)·i/o⌉)). */
export function adaptiveWindow(i: number, o: number): number {
  // Windows never exceed ⌈i/o⌉ + 1; past a few thousand cells that bound is close enough for a receptive field.
  if (o > 4096) return Math.ceil(i / o) + 1;
  let largest = 0;
  for (let j = 0; j < o; j++) largest = Math.max(largest, Math.ceil(((j + 1) * i) / o) - Math.floor((j * i) / o));
  return largest;
}

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** "[16, 28, 28]" */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** 1234567 → "1,234,567" */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

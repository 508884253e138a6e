/** Index of the first largest of `length` values from `offset` (tf.argMax's rule: the first of equal maxima). */
export function argMax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i] > values[offset + best]) best = i;
  return best;
}

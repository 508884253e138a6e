/** data.include_classes → class indices: names or indices, checked against the dataset's class names. */

/** The indices of `include` in `classes`, or the first entry that is not a class. */
export function resolveIncludedClasses(include: ReadonlyArray<string | number>, classes: readonly string[]): { indices: number[] } | { unknown: string | number } {
  const indices: number[] = [];
  for (const item of include) {
    const index = typeof item === 'number' ? (item < classes.length ? item : -1) : classes.indexOf(item);
    if (index < 0) return { unknown: item };
    if (!indices.includes(index)) indices.push(index);
  }
  return { indices: indices.sort((a, b) => a - b) };
}

/** What the benchmarks share: reading `--name value` flags, and the median of repeated timings. */

/** The value after `--name`, or undefined when the flag is absent. */
export function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The value after `--name`, or `fallback` when the flag is absent or has no value. */
export function flagOr(name: string, fallback: string): string {
  return flag(name) || fallback;
}

/** The number after `--name`, or `fallback` when the flag is absent. */
export function numberFlag(name: string, fallback: number): number {
  return process.argv.includes(`--${name}`) ? Number(flag(name)) : fallback;
}

/** The median (the upper one of an even count): robust to the odd slow round a busy machine gives. NaN when empty. */
export function median(xs: readonly number[]): number {
  return xs.length ? ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number) : NaN;
}

/** The median, or null when there is nothing to take it of (a JSON report's missing figure). */
export function medianOrNull(xs: readonly number[]): number | null {
  return xs.length ? median(xs) : null;
}

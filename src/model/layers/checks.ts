/** Checks several layer families share: input rank, inferred channel counts, sizes that vanish or lose pixels. */
import type { DiagnosticCode } from '../diagnosticCodes';
import { formatShape } from './arithmetic';
import type { LayerContext } from './handler';

/** Reports and returns false when the input does not have one of the expected ranks. */
export function requireRank(ctx: LayerContext, ranks: number[], expected: string): boolean {
  if (ranks.includes(ctx.input.length)) return true;
  const hint = ctx.input.length === 1 ? ' (a Flatten or Linear came before it?)' : '';
  ctx.sink.error('bad-input-rank', `${ctx.type} needs ${expected} but receives ${formatShape(ctx.input)} from ${ctx.source}${hint}`, ctx.bound.layerRange);
  return false;
}

/** The code reported when an inferred argument, as written, differs from what arrives. */
export const MISMATCH_CODES = {
  in_channels: 'in-channels-mismatch',
  input_channels: 'in-channels-mismatch',
  in_features: 'in-features-mismatch',
  num_features: 'num-features-mismatch',
} as const satisfies Record<string, DiagnosticCode>;

/**
 * in_channels / in_features / num_features: inferred when omitted, otherwise checked against what arrives,
 * with a fix that writes the arriving value. Returns the value written (or inferred).
 */
export function inferredCount(ctx: LayerContext, name: keyof typeof MISMATCH_CODES, arriving: number): number {
  if (!ctx.bound.given(name)) return arriving;
  const written = ctx.bound.num(name);
  if (written !== arriving) {
    const range = ctx.bound.valueRange(name);
    const fixes = range ? [{ title: `Set ${name} to ${arriving}`, range, newText: String(arriving) }] : undefined;
    ctx.sink.error(MISMATCH_CODES[name], `${ctx.type} expects ${name}=${written} but receives ${arriving} from ${ctx.source}`, ctx.bound.range(name), fixes);
  }
  return written;
}

/** Reports an output size ≤ 0; true when the size is usable. */
export function checkSpatial(ctx: LayerContext, out: number[], input: number[], blame: string[]): boolean {
  if (out.every((o) => o > 0)) return true;
  const arg = blame.find((b) => ctx.bound.given(b)) ?? blame[0];
  ctx.sink.error(
    'size-vanishes',
    `${ctx.type} shrinks the ${input.join('×')} input to ${out.join('×')}: the output size must be at least 1 (check ${blame.join(', ')})`,
    ctx.bound.range(arg),
  );
  return false;
}

/** Warns when a strided window leaves the last rows/columns of the input unused. */
export function warnDiscarded(ctx: LayerContext, discarded: [number, number], input: [number, number]): void {
  if (discarded[0] === 0 && discarded[1] === 0) return;
  const parts = [discarded[0] ? `${discarded[0]} row(s)` : '', discarded[1] ? `${discarded[1]} column(s)` : ''].filter(Boolean).join(' and ');
  ctx.sink.warning(
    'discarded-pixels',
    `${ctx.type} on a ${input[0]}×${input[1]} input silently drops the last ${parts}: the stride does not fit the size (pad, or use ceil_mode for pooling)`,
    ctx.bound.range(ctx.bound.given('stride') ? 'stride' : 'kernel_size'),
  );
}

/**
 * Image sizes through a pipeline, with torchvision's arithmetic (Resize's aspect-preserving rule, RandomCrop's
 * padding), and the argument checks torchvision makes when it builds or applies a transform.
 */
import type { DiagnosticSink } from '../diagnostics';
import type { BoundArgs } from '../layers/bind';
import type { ImageSize, PyValue, TransformType } from '../types';

export interface TransformContext {
  type: TransformType;
  input: ImageSize;
  channels: number;
  bound: BoundArgs;
  sink: DiagnosticSink;
  /** The transform as written, for messages. */
  text: string;
}

/** "28×28", or "images of varying sizes". */
export function sizeText(size: ImageSize): string {
  return size ? `${size[0]}×${size[1]}` : 'varying sizes';
}

/** torchvision's _compute_resized_output_size for Resize(int): shorter side → `short`, aspect kept (truncated). */
export function resizedShorterSide(input: [number, number], short: number, maxSize: number | null): [number, number] {
  const [h, w] = input;
  const [small, large] = w <= h ? [w, h] : [h, w];
  let newShort = short;
  let newLong = Math.trunc((short * large) / small);
  if (maxSize !== null && newLong > maxSize) {
    newShort = Math.trunc((maxSize * newShort) / newLong);
    newLong = maxSize;
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

/** RandomCrop's padding as [left, top, right, bottom]. */
export function paddingSides(padding: PyValue): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (Array.isArray(padding)) {
    const p = padding as number[];
    if (p.length === 1) return [p[0], p[0], p[0], p[0]];
    if (p.length === 2) return [p[0], p[1], p[0], p[1]];
    if (p.length === 4) return [p[0], p[1], p[2], p[3]];
  }
  return [0, 0, 0, 0];
}

/** The size after RandomCrop's padding (and pad_if_needed's), before the crop. */
export function randomCropPadded(input: [number, number], padding: PyValue, padIfNeeded: boolean, size: [number, number]): [number, number] {
  const [left, top, right, bottom] = paddingSides(padding);
  let h = input[0] + top + bottom;
  let w = input[1] + left + right;
  // torchvision pads a short side by (size − side) on both sides.
  if (padIfNeeded && h < size[0]) h += 2 * (size[0] - h);
  if (padIfNeeded && w < size[1]) w += 2 * (size[1] - w);
  return [h, w];
}

/** The output size; undefined after an error (already reported) or when the images keep varying in size. */
export function transformOutput(ctx: TransformContext): ImageSize | 'error' {
  const { bound: b, input } = ctx;
  const fail = (name: string, message: string): 'error' => {
    ctx.sink.error('bad-argument', `${ctx.type}: ${message}`, b.range(name));
    return 'error';
  };
  switch (ctx.type) {
    case 'Resize': {
      const size = b.raw('size');
      const maxSize = b.has('max_size') ? b.num('max_size') : null;
      if (Array.isArray(size)) return maxSize === null ? b.pair('size') : fail('max_size', 'max_size only applies when size is an int (the shorter side)');
      if (maxSize !== null && maxSize <= (size as number)) return fail('max_size', `max_size must be larger than size (${String(size)}), got ${maxSize}`);
      return input ? resizedShorterSide(input, size as number, maxSize) : undefined;
    }
    case 'CenterCrop':
    case 'RandomResizedCrop':
      return b.pair('size');
    case 'RandomCrop': {
      const size = b.pair('size');
      if (!input) return size;
      const padded = randomCropPadded(input, b.raw('padding') ?? null, b.bool('pad_if_needed'), size);
      if (size[0] > padded[0] || size[1] > padded[1]) {
        return fail('size', `a ${sizeText(size)} window does not fit in the ${sizeText(padded)} image${b.has('padding') ? ' (after padding)' : ''}: crop smaller, pad more, or set pad_if_needed=True`);
      }
      return size;
    }
    case 'GaussianBlur': {
      const [kh, kw] = b.pair('kernel_size');
      if (kh % 2 === 0 || kw % 2 === 0) return fail('kernel_size', `kernel_size must be odd, got ${kh === kw ? kh : `(${kh}, ${kw})`}`);
      return input;
    }
    case 'Normalize': {
      for (const name of ['mean', 'std']) {
        const n = (b.raw(name) as PyValue[] | number | undefined);
        const count = Array.isArray(n) ? n.length : 1;
        if (count !== 1 && count !== ctx.channels) return fail(name, `${name} has ${count} values but the images have ${ctx.channels} channel(s): give one per channel`);
      }
      return input;
    }
    case 'RandomRotation':
    case 'RandomAffine':
      if (typeof b.raw('degrees') === 'number' && b.num('degrees') < 0) return fail('degrees', 'degrees must be non-negative when it is a single number (it means (−d, d))');
      return input;
    case 'ColorJitter':
      return colorJitterChecks(ctx) ? input : 'error';
    case 'RandAugment':
      if (b.num('magnitude') >= b.num('num_magnitude_bins')) return fail('magnitude', `magnitude must be below num_magnitude_bins (${b.num('num_magnitude_bins')})`);
      return input;
    default:
      return input;
  }
}

/** Hue as a single number must be in [0, 0.5]; saturation and hue do nothing to grey images (torchvision leaves them). */
function colorJitterChecks(ctx: TransformContext): boolean {
  const { bound: b } = ctx;
  const hue = b.raw('hue');
  if (typeof hue === 'number' && hue < 0) {
    ctx.sink.error('bad-argument', 'ColorJitter: hue must be in [0, 0.5] when it is a single number', b.range('hue'));
    return false;
  }
  if (ctx.channels === 1) {
    for (const name of ['saturation', 'hue']) {
      if (b.given(name)) ctx.sink.warning('transform-no-effect', `ColorJitter: ${name} has no effect on 1-channel (grey) images`, b.range(name));
    }
  }
  return true;
}

/** ColorJitter(brightness, contrast, saturation, hue): random factors applied in a random order. */
import type { PyValue } from '../../model/types';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation } from './color';
import type { FloatImage, TransformImpl } from './image';

/** Factors in application order; a null factor is skipped (torchvision's None). */
export interface JitterParams {
  order: number[];
  brightness: number | null;
  contrast: number | null;
  saturation: number | null;
  hue: number | null;
}

/** torchvision's _check_input: a number v → [max(0, 1 − v), 1 + v] (hue: [−v, v]); the identity range → null. */
function jitterRange(v: PyValue, hue: boolean): [number, number] | null {
  const range: [number, number] = typeof v === 'number' ? (hue ? [-v, v] : [Math.max(0, 1 - v), 1 + v]) : [(v as number[])[0], (v as number[])[1]];
  const identity = hue ? 0 : 1;
  return range[0] === identity && range[1] === identity ? null : range;
}

export function applyJitter(image: FloatImage, p: JitterParams): FloatImage {
  let img = image;
  for (const step of p.order) {
    if (step === 0 && p.brightness !== null) img = adjustBrightness(img, p.brightness);
    if (step === 1 && p.contrast !== null) img = adjustContrast(img, p.contrast);
    if (step === 2 && p.saturation !== null) img = adjustSaturation(img, p.saturation);
    if (step === 3 && p.hue !== null) img = adjustHue(img, p.hue);
  }
  return img;
}

export const colorJitter: TransformImpl<JitterParams> = {
  params(args, _image, rng) {
    const draw = (name: string, hue = false) => {
      const r = jitterRange(args[name], hue);
      return r ? rng.uniform(r[0], r[1]) : null;
    };
    const order = rng.shuffle([0, 1, 2, 3]);
    return { order, brightness: draw('brightness'), contrast: draw('contrast'), saturation: draw('saturation'), hue: draw('hue', true) };
  },
  apply: (image, _args, p) => applyJitter(image, p),
};

/**
 * Segmentation masks drawn over their image: one colour per class (VOC's mask palette, as the CLI's mask PNGs and
 * overlays use), class 0 (background, black in that palette) left clear so the image shows through, and pixels with
 * no class (the ignore index, 255) untouched. Pure: the panel puts the result in a canvas; tested in Node.
 */
import { maskColor } from '../../src/protocol/maskPalette';

export interface MaskColour {
  name: string;
  /** CSS colour of the legend swatch. */
  css: string;
  /** The colour blended over the image; null: left clear (class 0, the background). */
  rgb: [number, number, number] | null;
}

/** The legend and overlay colours of `classes` (indexed by mask value). */
export function maskColours(classes: readonly string[]): MaskColour[] {
  return classes.map((name, c) => {
    const rgb = maskColor(c);
    return { name, css: `rgb(${rgb.join(', ')})`, rgb: c === 0 ? null : rgb };
  });
}

/** `image` (RGBA, w·h·4) with `mask` (w·h class indices) blended over it at `opacity` in [0, 1]. */
export function overlayMask(image: Uint8ClampedArray, mask: Uint8Array, colours: readonly MaskColour[], opacity: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(image.length);
  out.set(image);
  const a = Math.min(1, Math.max(0, opacity));
  for (let i = 0; i < mask.length; i++) {
    const rgb = colours[mask[i]]?.rgb;
    if (!rgb) continue;
    const p = i * 4;
    out[p] = Math.round(image[p] * (1 - a) + rgb[0] * a);
    out[p + 1] = Math.round(image[p + 1] * (1 - a) + rgb[1] * a);
    out[p + 2] = Math.round(image[p + 2] * (1 - a) + rgb[2] * a);
  }
  return out;
}

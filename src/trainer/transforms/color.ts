/**
 * torchvision's colour functionals for tensors: blends with black, the mean grey or the grey image, hue through
 * HSV, grey as 0.2989 R + 0.587 G + 0.114 B. `bytes` images hold 0…255 integer values and are truncated after
 * each step, as torchvision's uint8 tensors are (RandAugment works on those); float images hold [0, 1].
 */
import { newImage, type FloatImage } from './image';

const bound = (bytes: boolean) => (bytes ? 255 : 1);

/** _blend: ratio · a + (1 − ratio) · b, clamped (and truncated for bytes). */
function blendValue(a: number, b: number, ratio: number, bytes: boolean): number {
  const v = ratio * a + (1 - ratio) * b;
  const max = bound(bytes);
  const c = v < 0 ? 0 : v > max ? max : v;
  return bytes ? Math.trunc(c) : c;
}

/** rgb_to_grayscale (one channel); bytes are truncated like .to(uint8). */
export function grayscale(image: FloatImage, bytes = false): Float32Array {
  const { height, width, channels, data } = image;
  const out = new Float32Array(height * width);
  for (let p = 0; p < out.length; p++) {
    const at = p * channels;
    const v = channels >= 3 ? 0.2989 * data[at] + 0.587 * data[at + 1] + 0.114 * data[at + 2] : data[at];
    out[p] = bytes ? Math.trunc(v) : v;
  }
  return out;
}

/** rgb_to_grayscale with as many output channels as the input has (RandomGrayscale). */
export function toGrayscale(image: FloatImage): FloatImage {
  if (image.channels === 1) return image;
  const gray = grayscale(image);
  const out = newImage(image.height, image.width, image.channels);
  for (let p = 0; p < gray.length; p++) for (let c = 0; c < image.channels; c++) out.data[p * image.channels + c] = gray[p];
  return out;
}

export function adjustBrightness(image: FloatImage, factor: number, bytes = false): FloatImage {
  const out = newImage(image.height, image.width, image.channels);
  for (let i = 0; i < out.data.length; i++) out.data[i] = blendValue(image.data[i], 0, factor, bytes);
  return out;
}

export function adjustContrast(image: FloatImage, factor: number, bytes = false): FloatImage {
  const gray = image.channels >= 3 ? grayscale(image, bytes) : image.data;
  let sum = 0;
  for (let i = 0; i < gray.length; i++) sum += gray[i];
  const mean = sum / gray.length;
  const out = newImage(image.height, image.width, image.channels);
  for (let i = 0; i < out.data.length; i++) out.data[i] = blendValue(image.data[i], mean, factor, bytes);
  return out;
}

/** Grey images are returned as they are, as torchvision does. */
export function adjustSaturation(image: FloatImage, factor: number, bytes = false): FloatImage {
  if (image.channels === 1) return image;
  const gray = grayscale(image, bytes);
  const out = newImage(image.height, image.width, image.channels);
  for (let i = 0; i < out.data.length; i++) out.data[i] = blendValue(image.data[i], gray[Math.floor(i / image.channels)], factor, bytes);
  return out;
}

/** Shifts the hue by `shift` of a turn (torchvision's _rgb2hsv / _hsv2rgb); grey images are returned as they are. */
export function adjustHue(image: FloatImage, shift: number, bytes = false): FloatImage {
  if (image.channels === 1) return image;
  const scale = bound(bytes);
  const out = newImage(image.height, image.width, image.channels);
  const { data } = image;
  for (let p = 0; p < image.height * image.width; p++) {
    const at = p * image.channels;
    const [r, g, b] = [data[at] / scale, data[at + 1] / scale, data[at + 2] / scale];
    const maxc = Math.max(r, g, b);
    const minc = Math.min(r, g, b);
    const eq = maxc === minc;
    const cr = maxc - minc;
    const s = cr / (eq ? 1 : maxc);
    const div = eq ? 1 : cr;
    const rc = (maxc - r) / div;
    const gc = (maxc - g) / div;
    const bc = (maxc - b) / div;
    let h = maxc === r ? bc - gc : maxc === g ? 2 + rc - bc : 4 + gc - rc;
    h = (((h / 6 + 1) % 1) + shift) % 1;
    if (h < 0) h += 1;
    const rgb = hsvToRgb(h, s, maxc);
    for (let c = 0; c < 3; c++) out.data[at + c] = bytes ? Math.trunc(rgb[c] * 255) : rgb[c];
  }
  return out;
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const i6 = Math.floor(h * 6);
  const f = h * 6 - i6;
  const i = ((i6 % 6) + 6) % 6;
  const cl = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
  const p = cl(v * (1 - s));
  const q = cl(v * (1 - s * f));
  const t = cl(v * (1 - s * (1 - f)));
  return [[v, q, p, p, t, v][i], [t, v, v, q, p, p][i], [p, p, t, v, v, q][i]];
}

/**
 * Reading a segmentation mask PNG as class indices: palette PNGs (colour type 3, as PASCAL VOC writes them) give
 * their palette indices, whatever the colours; grey PNGs give their grey level; an RGB(A) PNG whose pixels are all
 * grey counts as grey. pngjs expands palettes to RGBA, so the indices are found again through the PLTE chunk.
 */
import { PNG } from 'pngjs';
import { DatasetError } from './errors';

export interface MaskImage {
  width: number;
  height: number;
  /** One class index per pixel, row-major. */
  indices: Uint8Array;
}

export function decodeMaskPng(bytes: Buffer, file: string): MaskImage {
  if (bytes.length < 33 || bytes.readUInt32BE(0) !== 0x89504e47) throw new DatasetError(`${file} is not a PNG: masks must be PNG files of class indices (JPEG would blur the classes).`, file);
  const colorType = bytes[25];
  let png: { width: number; height: number; data: Uint8Array };
  try {
    png = PNG.sync.read(bytes);
  } catch {
    throw new DatasetError(`${file} is a damaged or truncated PNG mask: it cannot be decoded.`, file);
  }
  const pixels = png.width * png.height;
  const indices = new Uint8Array(pixels);
  if (colorType === 3) {
    const lookup = paletteLookup(bytes, file);
    for (let p = 0; p < pixels; p++) {
      const index = lookup.get(rgbKey(png.data, p * 4));
      if (index === undefined) throw new DatasetError(`${file}: pixel ${p} has a colour outside the PNG's palette.`, file);
      indices[p] = index;
    }
    return { width: png.width, height: png.height, indices };
  }
  for (let p = 0; p < pixels; p++) {
    const [r, g, b] = [png.data[p * 4], png.data[p * 4 + 1], png.data[p * 4 + 2]];
    if (r !== g || g !== b) {
      throw new DatasetError(`${file} is a colour PNG without a palette: a mask holds one class index per pixel, as a grey or a palette PNG (pixel ${p} is rgb(${r}, ${g}, ${b})).`, file);
    }
    indices[p] = r;
  }
  return { width: png.width, height: png.height, indices };
}

function rgbKey(data: Uint8Array, at: number): number {
  return (data[at] << 16) | (data[at + 1] << 8) | data[at + 2];
}

/** Colour → palette index from the PLTE chunk (the first index of a repeated colour). */
function paletteLookup(bytes: Buffer, file: string): Map<number, number> {
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'PLTE') {
      const lookup = new Map<number, number>();
      for (let i = 0; i * 3 + 2 < length; i++) {
        const key = rgbKey(bytes, at + 8 + i * 3);
        if (!lookup.has(key)) lookup.set(key, i);
      }
      return lookup;
    }
    if (type === 'IDAT' || type === 'IEND') break;
    at += 12 + length;
  }
  throw new DatasetError(`${file} is a palette PNG without a palette (PLTE chunk).`, file);
}

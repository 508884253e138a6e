/**
 * PNG encoding of the inspector's pictures. Images (gray, RGB, RGBA) go through pngjs with the 'sub' filter and
 * fast deflate (its defaults, adaptive filtering at level 9, are several times slower for a few percent of
 * size). Colour-mapped heatmaps are written as indexed PNGs, the colormap as the palette, which pngjs cannot
 * write: one byte per pixel instead of three, so a 64-channel 224×224 layer compresses three times faster.
 */
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { crc32 } from '../../files/crc32';

/** Pixel layouts we encode: 1 (gray), 3 (RGB) or 4 (RGBA) bytes per pixel, row-major. */
export type PixelChannels = 1 | 3 | 4;

/** An 8-bit image in memory. */
export interface RasterImage {
  width: number;
  height: number;
  channels: PixelChannels;
  data: Uint8Array;
}

const COLOR_TYPE: Record<PixelChannels, 0 | 2 | 6> = { 1: 0, 3: 2, 4: 6 };

/** Encodes a raster as PNG bytes (gray, RGB or RGBA as given, no conversion). */
export function encodePng(image: RasterImage): Uint8Array {
  const expected = image.width * image.height * image.channels;
  if (image.data.length !== expected) {
    throw new RangeError(`encodePng: ${image.width}×${image.height}×${image.channels} needs ${expected} bytes, got ${image.data.length}`);
  }
  const colorType = COLOR_TYPE[image.channels];
  const png = new PNG({ width: image.width, height: image.height, colorType, inputColorType: colorType, inputHasAlpha: image.channels === 4 });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const bytes = PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: image.channels === 4, deflateLevel: 3, filterType: 1 });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** An 8-bit indexed image: one palette index per pixel, the palette as RGB triples. */
export interface IndexedImage {
  width: number;
  height: number;
  indices: Uint8Array;
  /** Up to 256 RGB triples. */
  palette: Uint8Array;
}

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encodes an indexed image as a palette PNG (colour type 3, bit depth 8, filter 'none' as the spec advises for palettes). */
export function encodeIndexedPng(image: IndexedImage): Uint8Array {
  const { width, height, indices, palette } = image;
  if (indices.length !== width * height) throw new RangeError(`encodeIndexedPng: ${width}×${height} needs ${width * height} indices, got ${indices.length}`);
  if (palette.length % 3 !== 0 || palette.length === 0 || palette.length > 768) throw new RangeError('encodeIndexedPng: the palette must hold 1 to 256 RGB triples');
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 3, 0, 0, 0], 8);
  const rows = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) rows.set(indices.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const chunks = [chunk('IHDR', header), chunk('PLTE', palette), chunk('IDAT', deflateSync(rows, { level: 3 })), chunk('IEND', new Uint8Array(0))];
  return Buffer.concat([SIGNATURE, ...chunks]);
}

/** One PNG chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Decodes PNG bytes to RGBA (for tests and for reading PNGs back). */
export function decodePngRgba(bytes: Uint8Array): RasterImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { width: png.width, height: png.height, channels: 4, data: new Uint8Array(png.data) };
}

/**
 * Reading and decoding PNG and JPEG files (pure JS: pngjs, jpeg-js) into uint8 HWC pixels of the wanted size and
 * channels. The header is checked against the pixel limit before decoding; errors name the file in our words.
 */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { readUserFile } from '../../files/readUserFile';
import { DatasetError } from './errors';
import { imageFormat, readImageHeader, type ImageFormat } from './imageHeader';
import { MAX_IMAGE_PIXELS_HINT, maxImageFileBytes, resolveMaxImagePixels } from './imageLimits';
import { convertChannels, resizeImage } from './resize';

export { IMAGE_EXTENSIONS } from '../../model/config/imageFolder';

/** Reads an image file (regular files only, size capped by the pixel limit) and fits it to height×width×channels. */
export function loadImageFile(file: string, height: number, width: number, channels: number, maxPixels = resolveMaxImagePixels()): Uint8Array {
  return decodeImage(readImageBytes(file, maxPixels), file, height, width, channels, maxPixels);
}

/** An image file's bytes: regular files only, at most the size the pixel limit allows. */
export function readImageBytes(file: string, maxPixels = resolveMaxImagePixels()): Buffer {
  return readUserFile(file, { maxBytes: maxImageFileBytes(maxPixels), what: 'image', hint: `Shrink it, or ${MAX_IMAGE_PIXELS_HINT}.` });
}

/** Decodes PNG or JPEG bytes (recognised by their signature) and fits them to height×width×channels. */
export function decodeImage(bytes: Buffer, file: string, height: number, width: number, channels: number, maxPixels = resolveMaxImagePixels()): Uint8Array {
  const rgba = decodeRgba(bytes, file, maxPixels);
  const pixels = convertChannels(rgba.data, rgba.width * rgba.height, 4, channels);
  return resizeImage(pixels, rgba.height, rgba.width, channels, height, width);
}

/** Decodes at the file's own size (after the same pixel-limit check), converted to `channels`. */
export function decodeNative(bytes: Buffer, file: string, channels: number, maxPixels = resolveMaxImagePixels()): { data: Uint8Array; height: number; width: number } {
  const rgba = decodeRgba(bytes, file, maxPixels);
  return { data: convertChannels(rgba.data, rgba.width * rgba.height, 4, channels), height: rgba.height, width: rgba.width };
}

/** Decodes PNG or JPEG bytes at their own size as RGBA, after the pixel-limit check on the header. */
export function decodeRgba(bytes: Buffer, file: string, maxPixels: number): { width: number; height: number; data: Uint8Array } {
  const format = imageFormat(bytes);
  if (!format) throw new DatasetError(`${file} is neither a PNG nor a JPEG image.`, file);
  const header = readImageHeader(bytes, format);
  if (!header) throw damaged(file, format);
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    throw new DatasetError(
      `${file} is a ${header.width}×${header.height} ${format} image (${formatPixels(pixels)}), more than the ${formatPixels(maxPixels)} allowed: shrink it, or ${MAX_IMAGE_PIXELS_HINT}.`,
      file,
    );
  }
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = format === 'PNG' ? PNG.sync.read(bytes) : decodeJpeg(bytes, maxPixels);
  } catch {
    // The decoders' own texts ("There are some read requests waitng on finished stream") mean nothing to users.
    throw damaged(file, format);
  }
  if (image.width !== header.width || image.height !== header.height || image.data.length < pixels * 4) throw damaged(file, format);
  return image;
}

function decodeJpeg(bytes: Buffer, maxPixels: number): { width: number; height: number; data: Uint8Array } {
  // jpeg-js's own guards, kept in step with our limit (its buffers take about 16 bytes a pixel).
  return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: Math.max(256, Math.ceil((16 * maxPixels) / 2 ** 20)) });
}

function damaged(file: string, format: ImageFormat): DatasetError {
  return new DatasetError(`${file} is a damaged or truncated ${format} image: it cannot be decoded. Open it in an image viewer to check, or remove it.`, file);
}

function formatPixels(pixels: number): string {
  return pixels >= 1e5 ? `${Math.round(pixels / 1e5) / 10} megapixels` : `${pixels} pixels`;
}

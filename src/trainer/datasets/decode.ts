/** Decoding PNG and JPEG files (pure JS: pngjs, jpeg-js) into uint8 HWC pixels of the wanted size and channels. */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DatasetError, messageOf } from './errors';
import { convertChannels, resizeImage } from './resize';

/** File extensions imagefolder reads (lower case). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

/** Decodes PNG or JPEG bytes (recognised by their signature) and fits them to height×width×channels. */
export function decodeImage(bytes: Buffer, file: string, height: number, width: number, channels: number): Uint8Array {
  const rgba = decodeRgba(bytes, file);
  const pixels = convertChannels(rgba.data, rgba.width * rgba.height, 4, channels);
  return resizeImage(pixels, rgba.height, rgba.width, channels, height, width);
}

/** Decodes at the file's own size, converted to `channels`. */
export function decodeNative(bytes: Buffer, file: string, channels: number): { data: Uint8Array; height: number; width: number } {
  const rgba = decodeRgba(bytes, file);
  return { data: convertChannels(rgba.data, rgba.width * rgba.height, 4, channels), height: rgba.height, width: rgba.width };
}

function decodeRgba(bytes: Buffer, file: string): { width: number; height: number; data: Uint8Array } {
  const isPng = bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const isJpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8;
  if (!isPng && !isJpeg) throw new DatasetError(`${file} is neither a PNG nor a JPEG image.`, file);
  try {
    if (isPng) {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, data: png.data };
    }
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
    if (!image.width || !image.height) throw new Error('no image data');
    return image;
  } catch (error) {
    throw new DatasetError(`${file} is a damaged ${isPng ? 'PNG' : 'JPEG'} image (${messageOf(error)}).`, file);
  }
}

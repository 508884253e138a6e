/**
 * Image sizes read from the headers alone (PNG IHDR, JPEG SOFn), so that an image too large to decode is refused
 * before the decoder allocates its pixels: a 1.5 MB PNG can declare 40000×40000 pixels (6.4 GB of RGBA).
 */

export type ImageFormat = 'PNG' | 'JPEG';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** PNG or JPEG by signature; undefined for anything else. */
export function imageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'PNG';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'JPEG';
  return undefined;
}

/** The declared size; undefined when the header is missing, truncated or declares no pixels (a damaged file). */
export function readImageHeader(bytes: Buffer, format: ImageFormat): ImageHeader | undefined {
  const size = format === 'PNG' ? pngSize(bytes) : jpegSize(bytes);
  return size && size.width > 0 && size.height > 0 ? { format, ...size } : undefined;
}

/** The IHDR chunk comes first: signature (8), length (4), "IHDR" (4), width (4), height (4). */
function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Walks the markers up to the first frame header (SOF0–SOF15 but DHT, JPG and DAC, which share the range). */
function jpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
    } else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // markers without a length
    } else if (marker === 0xd9 || marker === 0xda) {
      return undefined; // end of image or scan data before any frame header
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      // FFCn, length (2), precision (1), height (2), width (2)
      return at + 9 <= bytes.length ? { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) } : undefined;
    } else {
      at += 2 + bytes.readUInt16BE(at + 2);
    }
  }
  return undefined;
}

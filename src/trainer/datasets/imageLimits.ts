/**
 * How large an image may be: a pixel-count limit checked on the header before decoding (decoding takes about
 * 8–16 bytes a pixel), and a file-size cap derived from it. The limit comes from the caller (`--max-image-pixels`,
 * the `cnnlab.maxImagePixels` setting), else from $CNNLAB_MAX_IMAGE_PIXELS, else the default.
 */

/** 100 megapixels (e.g. 12000×8000): jpeg-js's own default, close to Pillow's 89.5; ≈ 1 GB while decoding. */
export const DEFAULT_MAX_IMAGE_PIXELS = 100_000_000;
export const MAX_IMAGE_PIXELS_ENV = 'CNNLAB_MAX_IMAGE_PIXELS';
/** Where users change the limit, for messages. */
export const MAX_IMAGE_PIXELS_HINT = `raise the limit with --max-image-pixels N, the cnnlab.maxImagePixels setting or ${MAX_IMAGE_PIXELS_ENV}`;

/** The limit in force: `given` when set, else the environment variable, else the default. */
export function resolveMaxImagePixels(given?: number, env: Record<string, string | undefined> = process.env): number {
  if (given !== undefined) return checkedLimit(given, 'the image pixel limit');
  const text = env[MAX_IMAGE_PIXELS_ENV];
  if (text === undefined || text.trim() === '') return DEFAULT_MAX_IMAGE_PIXELS;
  return checkedLimit(Number(text), `${MAX_IMAGE_PIXELS_ENV}="${text}"`);
}

function checkedLimit(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${what} must be a positive whole number of pixels (got ${value})`);
  return value;
}

/**
 * The largest image file read for a pixel limit: 8 bytes a pixel (16-bit RGBA stored without compression, the
 * largest a PNG of that many pixels can honestly be), at least 256 MB.
 */
export function maxImageFileBytes(maxPixels: number): number {
  return Math.max(256e6, 8 * maxPixels);
}

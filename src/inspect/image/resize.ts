/** Resizing a value map (row-major, one channel), bilinear as torch's interpolate(mode='bilinear', align_corners=False). */

export function resizeBilinear(values: ArrayLike<number>, height: number, width: number, outHeight: number, outWidth: number): Float32Array {
  const out = new Float32Array(outHeight * outWidth);
  const source = (o: number, scale: number, size: number): [number, number, number] => {
    const s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), size - 1);
    const i0 = Math.floor(s);
    return [i0, Math.min(i0 + 1, size - 1), s - i0];
  };
  for (let y = 0; y < outHeight; y++) {
    const [y0, y1, fy] = source(y, height / outHeight, height);
    for (let x = 0; x < outWidth; x++) {
      const [x0, x1, fx] = source(x, width / outWidth, width);
      const top = values[y0 * width + x0] * (1 - fx) + values[y0 * width + x1] * fx;
      const bottom = values[y1 * width + x0] * (1 - fx) + values[y1 * width + x1] * fx;
      out[y * outWidth + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

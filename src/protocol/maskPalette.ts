/**
 * Colours of mask classes, shared by the CLI's mask PNGs, overlays and the panels' legends so that a class looks the
 * same everywhere: PASCAL VOC's colour map (class i's bits spread over the high bits of R, G and B; 0 is black,
 * 1 dark red, 2 dark green…), the palette VOC writes its masks with. 255, VOC's "ignore" value, is its cream border colour.
 */

/** The RGB colour of mask value `index` (0–255). */
export function maskColor(index: number): [number, number, number] {
  if (index === 255) return [224, 224, 192];
  let [r, g, b] = [0, 0, 0];
  let c = index;
  for (let bit = 7; bit >= 0 && c > 0; bit--) {
    r |= (c & 1) << bit;
    g |= ((c >> 1) & 1) << bit;
    b |= ((c >> 2) & 1) << bit;
    c >>= 3;
  }
  return [r, g, b];
}

/** The 256-entry palette (768 bytes RGB) of maskColor, as a palette PNG stores it. */
export function maskPalette(): Uint8Array {
  const palette = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) palette.set(maskColor(i), i * 3);
  return palette;
}

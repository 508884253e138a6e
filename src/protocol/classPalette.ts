/**
 * The colour of each class wherever classes are told apart by colour: the inspector's scatter plots (and `cnnlab
 * inspect`'s), the training panel's detection boxes and `cnnlab predict --out`'s drawn boxes, so that a class looks
 * the same in all of them. Category colours (Tableau 10), distinguishable on light and dark backgrounds; class c
 * takes colour c modulo 10. (Masks keep VOC's colour map, maskPalette.ts, which their palette PNGs store.)
 */
export const CLASS_PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Class c's colour as CSS (#rrggbb). */
export function classCss(c: number): string {
  return CLASS_PALETTE[((c % CLASS_PALETTE.length) + CLASS_PALETTE.length) % CLASS_PALETTE.length];
}

/** Class c's colour as RGB bytes. */
export function classRgb(c: number): [number, number, number] {
  const hex = classCss(c);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

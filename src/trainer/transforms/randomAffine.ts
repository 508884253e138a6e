/** RandomAffine(degrees, translate, scale, shear, interpolation, fill, center): F.affine with random parameters. */
import { perChannel, pyRound, symmetricRange, type TransformImpl } from './image';
import type { Interpolation } from './resample';
import { affineBoxes } from './moveBoxes';
import { inverseAffineMatrix, warpAffine } from './warp';

export interface AffineParams {
  angle: number;
  translate: [number, number];
  scale: number;
  shear: [number, number];
}

/** shear as torchvision reads it: s → x in (−s, s); (a, b) → x in (a, b); (a, b, c, d) → x and y ranges. */
function shearRanges(v: unknown): number[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return [-v, v, 0, 0];
  const s = v as number[];
  return s.length === 2 ? [s[0], s[1], 0, 0] : s;
}

const affineMatrix = (p: AffineParams) => inverseAffineMatrix([0, 0], p.angle, p.translate, p.scale, p.shear);

export const randomAffine: TransformImpl<AffineParams> = {
  // torchvision's RandomAffine.get_params.
  params(args, image, rng) {
    const [d0, d1] = symmetricRange(args.degrees);
    const angle = rng.uniform(d0, d1);
    let translate: [number, number] = [0, 0];
    if (args.translate) {
      const [fx, fy] = args.translate as number[];
      const maxDx = fx * image.width;
      const maxDy = fy * image.height;
      translate = [pyRound(rng.uniform(-maxDx, maxDx)), pyRound(rng.uniform(-maxDy, maxDy))];
    }
    const scale = args.scale ? rng.uniform((args.scale as number[])[0], (args.scale as number[])[1]) : 1;
    const ranges = shearRanges(args.shear);
    const shear: [number, number] = ranges ? [rng.uniform(ranges[0], ranges[1]), ranges[2] !== ranges[3] ? rng.uniform(ranges[2], ranges[3]) : ranges[2]] : [0, 0];
    return { angle, translate, scale, shear };
  },
  apply(image, args, p) {
    return warpAffine(image, affineMatrix(p), args.interpolation as Interpolation, perChannel(args.fill, image.channels));
  },
  applyBoxes: (objects, _args, p, from) => affineBoxes(objects, affineMatrix(p), from),
};

/** RandomRotation(degrees, interpolation, expand, center, fill): a random angle about the centre (F.rotate). */
import { perChannel, symmetricRange, type FloatImage, type TransformImpl } from './image';
import type { Interpolation } from './resample';
import { affineBoxes } from './moveBoxes';
import { inverseAffineMatrix, warpAffine } from './warp';

const rotationMatrix = (angle: number) => inverseAffineMatrix([0, 0], -angle, [0, 0], 1, [0, 0]);

/** F.rotate: counter-clockwise by `angle` degrees about the centre. */
export function rotate(image: FloatImage, angle: number, mode: Interpolation, fill: number[] | null): FloatImage {
  return warpAffine(image, rotationMatrix(angle), mode, fill);
}

export const randomRotation: TransformImpl<number> = {
  params(args, _image, rng) {
    const [lo, hi] = symmetricRange(args.degrees);
    return rng.uniform(lo, hi);
  },
  apply: (image, args, angle) => rotate(image, angle, args.interpolation as Interpolation, perChannel(args.fill, image.channels)),
  applyBoxes: (objects, _args, angle, from) => affineBoxes(objects, rotationMatrix(angle), from),
};

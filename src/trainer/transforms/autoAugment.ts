/** RandAugment(num_ops, magnitude, …) and TrivialAugmentWide(…): random operations from augmentOps.ts. */
import type { Random } from '../datasets/random';
import { applyOp, augmentationSpace, AUGMENT_OPS, fromBytes, GEOMETRIC_OPS, toBytes, type OpChoice } from './augmentOps';
import { MASK_FILL, perChannel, type FloatImage, type TransformArgs, type TransformImpl } from './image';
import type { Interpolation } from './resample';

function applyChoices(image: FloatImage, args: TransformArgs, choices: OpChoice[]): FloatImage {
  if (choices.length === 0) return image;
  const fill = args.fill === null ? null : perChannel(args.fill, image.channels);
  let img = toBytes(image);
  for (const { op, magnitude } of choices) img = applyOp(img, op, magnitude, args.interpolation as Interpolation, fill);
  return fromBytes(img);
}

/** The chosen operations that move pixels (shear, translate, rotate), on a mask: nearest, new pixels class 0. */
function applyToMask(mask: FloatImage, _args: TransformArgs, choices: OpChoice[]): FloatImage {
  let out = mask;
  for (const { op, magnitude } of choices) if (GEOMETRIC_OPS.has(op)) out = applyOp(out, op, magnitude, 'nearest', [MASK_FILL]);
  return out;
}

function choose(rng: Random, magnitudes: number[], signed: boolean, bin: number | undefined): number {
  const m = magnitudes.length ? magnitudes[bin ?? rng.int(magnitudes.length)] : 0;
  return signed && rng.int(2) ? -m : m;
}

export const randAugment: TransformImpl<OpChoice[]> = {
  params(args, image, rng) {
    const space = augmentationSpace(args.num_magnitude_bins as number, image.height, image.width, false);
    return Array.from({ length: args.num_ops as number }, () => {
      const op = AUGMENT_OPS[rng.int(AUGMENT_OPS.length)];
      return { op, magnitude: choose(rng, space[op].magnitudes, space[op].signed, args.magnitude as number) };
    });
  },
  apply: applyChoices,
  applyMask: applyToMask,
};

export const trivialAugmentWide: TransformImpl<OpChoice[]> = {
  params(args, image, rng) {
    const space = augmentationSpace(args.num_magnitude_bins as number, image.height, image.width, true);
    const op = AUGMENT_OPS[rng.int(AUGMENT_OPS.length)];
    return [{ op, magnitude: choose(rng, space[op].magnitudes, space[op].signed, undefined) }];
  },
  apply: applyChoices,
  applyMask: applyToMask,
};

/** Which module implements each transform of the core's catalog. */
import type { TransformType } from '../../model/types';
import { randAugment, trivialAugmentWide } from './autoAugment';
import { centerCrop } from './centerCrop';
import { colorJitter } from './colorJitter';
import { randomHorizontalFlip, randomVerticalFlip } from './flips';
import { gaussianBlur } from './gaussianBlur';
import { deterministic, geometric, type TransformImpl } from './image';
import { normalize } from './normalize';
import { randomAffine } from './randomAffine';
import { randomCrop } from './randomCrop';
import { randomErasing } from './randomErasing';
import { randomGrayscale } from './randomGrayscale';
import { randomResizedCrop } from './randomResizedCrop';
import { randomRotation } from './randomRotation';
import { resize } from './resize';

/** Geometric transforms move segmentation masks with the image (geometric(), or their own applyMask); the others touch pixels only. */
export const TRANSFORMS: Record<TransformType, TransformImpl<unknown>> = {
  Resize: geometric(resize),
  CenterCrop: geometric(centerCrop),
  RandomCrop: geometric(randomCrop),
  RandomResizedCrop: geometric(randomResizedCrop),
  RandomHorizontalFlip: geometric(randomHorizontalFlip),
  RandomVerticalFlip: geometric(randomVerticalFlip),
  RandomRotation: geometric(randomRotation),
  RandomAffine: geometric(randomAffine),
  ColorJitter: colorJitter,
  RandomGrayscale: randomGrayscale,
  GaussianBlur: gaussianBlur,
  RandomErasing: randomErasing,
  RandAugment: randAugment,
  TrivialAugmentWide: trivialAugmentWide,
  Normalize: normalize,
  // Pixels are floats in [0, 1] from the start.
  ToTensor: deterministic((image) => image),
};

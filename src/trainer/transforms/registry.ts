/** Which module implements each transform of the core's catalog. */
import type { TransformType } from '../../model/types';
import { randAugment, trivialAugmentWide } from './autoAugment';
import { centerCrop } from './centerCrop';
import { colorJitter } from './colorJitter';
import { randomHorizontalFlip, randomVerticalFlip } from './flips';
import { gaussianBlur } from './gaussianBlur';
import { deterministic, type TransformImpl } from './image';
import { normalize } from './normalize';
import { randomAffine } from './randomAffine';
import { randomCrop } from './randomCrop';
import { randomErasing } from './randomErasing';
import { randomGrayscale } from './randomGrayscale';
import { randomResizedCrop } from './randomResizedCrop';
import { randomRotation } from './randomRotation';
import { resize } from './resize';

export const TRANSFORMS: Record<TransformType, TransformImpl<unknown>> = {
  Resize: resize,
  CenterCrop: centerCrop,
  RandomCrop: randomCrop,
  RandomResizedCrop: randomResizedCrop,
  RandomHorizontalFlip: randomHorizontalFlip,
  RandomVerticalFlip: randomVerticalFlip,
  RandomRotation: randomRotation,
  RandomAffine: randomAffine,
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

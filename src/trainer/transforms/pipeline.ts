/**
 * Running a pipeline: each step draws its parameters and applies them. Leading Resize / CenterCrop steps are
 * deterministic and change the size, so the loader applies them once, when images are stored (`storedSteps`).
 */
import type { DataPipeline, TransformStep, TransformType } from '../../model/types';
import type { Random } from '../datasets/random';
import type { ImageObject } from '../datasets/objectBoxes';
import type { FloatImage } from './image';
import { keepVisible } from './moveBoxes';
import { TRANSFORMS } from './registry';

/** Steps the loader applies once when it stores images (8-bit): the leading geometric, deterministic ones. */
const STORABLE = new Set<TransformType>(['Resize', 'CenterCrop', 'ToTensor']);

/** How many leading steps are applied when images are stored. */
export function storedStepCount(steps: readonly TransformStep[]): number {
  let n = 0;
  while (n < steps.length && STORABLE.has(steps[n].type)) n++;
  return n;
}

export function runPipeline(image: FloatImage, steps: readonly TransformStep[], rng: Random, stage: PipelineStage = 'tensor'): FloatImage {
  return runPipelineWithMask(image, undefined, steps, rng, stage).image;
}

/**
 * The pipeline on an image and its segmentation mask (one channel of class indices): each step draws its parameters
 * once, from the image, and geometric steps apply them to the mask as well (TransformImpl.applyMask), so both move
 * identically; the random draws are those of runPipeline, whether or not there is a mask.
 */
export function runPipelineWithMask(image: FloatImage, mask: FloatImage | undefined, steps: readonly TransformStep[], rng: Random, stage: PipelineStage = 'tensor'): { image: FloatImage; mask: FloatImage | undefined } {
  const out = runPipelineWithTargets(image, { mask }, steps, rng, stage);
  return { image: out.image, mask: out.mask };
}

/**
 * 'pil': the image holds 8-bit values and the steps run as torchvision runs them on the PIL images of its datasets
 * (TransformImpl.applyPil where a step has it): the loader's stored steps. 'tensor': on float images, per batch.
 */
export type PipelineStage = 'pil' | 'tensor';

/** What moves with an image: its segmentation mask, its object boxes. */
export interface PipelineTargets {
  mask?: FloatImage;
  objects?: readonly ImageObject[];
}

/**
 * The pipeline on an image and its targets, with the same draws as runPipeline: geometric steps move the mask
 * (applyMask) and the boxes (applyBoxes); boxes left under a pixel wide or high are dropped at the end. A step that
 * moves pixels (it has applyMask) but cannot move boxes is refused when there are boxes.
 */
export function runPipelineWithTargets(image: FloatImage, targets: PipelineTargets, steps: readonly TransformStep[], rng: Random, stage: PipelineStage = 'tensor'): { image: FloatImage } & PipelineTargets {
  let img = image;
  let { mask, objects } = targets;
  for (const step of steps) {
    const impl = TRANSFORMS[step.type];
    const params = impl.params(step.args, img, rng);
    const next = stage === 'pil' && impl.applyPil ? impl.applyPil(img, step.args, params) : impl.apply(img, step.args, params);
    if (mask && impl.applyMask) mask = stage === 'pil' && impl.applyMaskPil ? impl.applyMaskPil(mask, step.args, params) : impl.applyMask(mask, step.args, params);
    if (objects && impl.applyMask) {
      if (!impl.applyBoxes) throw new Error(`${step.type} moves pixels but cannot move object boxes: leave it out of the pipeline of a detection model (flips, crops, Resize, RandomResizedCrop, RandomRotation and RandomAffine move boxes)`);
      objects = impl.applyBoxes(objects, step.args, params, img, next);
    }
    img = next;
  }
  return { image: img, ...(mask ? { mask } : {}), ...(objects ? { objects: keepVisible(objects) } : {}) };
}

/** Steps that only normalise (or do nothing): batches then use 256-entry lookup tables instead of running them. */
export function normalizationOnly(steps: readonly TransformStep[]): { mean: number[]; std: number[] } | null | undefined {
  let found: { mean: number[]; std: number[] } | null = null;
  for (const s of steps) {
    if (s.type === 'ToTensor') continue;
    if (s.type !== 'Normalize' || found) return undefined;
    const list = (v: unknown) => (Array.isArray(v) ? (v as number[]) : [v as number]);
    found = { mean: list(s.args.mean), std: list(s.args.std) };
  }
  return found;
}

/**
 * The normalisation inspection and prediction apply to a stored test image: the test pipeline's per-batch steps,
 * which must only normalise (anything else is left out, as for a picture given by file).
 */
export function inputNormalization(pipeline: DataPipeline): { mean: number[]; std: number[] } | undefined {
  const test = pipeline.fitToInput ? pipeline.test : pipeline.test.slice(storedStepCount(pipeline.test));
  return normalizationOnly(test) ?? normalizationOnly(test.filter((s) => s.type === 'Normalize')) ?? undefined;
}

/**
 * The `augment` and `normalize` keys (written before data.transforms existed) as the pipelines they stand for:
 * RandomCrop with zero padding, RandomHorizontalFlip, RandomAffine (bilinear), ColorJitter, then Normalize.
 * Images are stretched to `input` when loaded, so every step keeps that size.
 */
import { renderCall } from '../layers/renderCall';
import type { DataConfig, DataPipeline, ImageSize, PyValue, ResolvedTransform, TransformType } from '../types';
import { TRANSFORM_CATALOG } from './catalog';

/** A step with torchvision's defaults for the arguments not given; its size is unchanged. */
export function transformStep(type: TransformType, given: Record<string, PyValue>, size: ImageSize): ResolvedTransform {
  const signature = TRANSFORM_CATALOG[type];
  const args: Record<string, PyValue> = {};
  for (const a of signature.args) args[a.name] = given[a.name] ?? a.default ?? null;
  const written = new Map(Object.entries(given));
  const text = renderCall(type, signature, written, new Set(signature.args.filter((a) => a.required).map((a) => a.name)));
  return { type, args, text, inputSize: size, outputSize: size };
}

export function legacyPipeline(data: DataConfig, size: ImageSize): DataPipeline {
  const a = data.augment ?? {};
  const train: ResolvedTransform[] = [];
  const padding = a.random_crop?.padding ?? 0;
  if (padding > 0 && size) train.push(transformStep('RandomCrop', { size: [...size], padding }, size));
  if (a.horizontal_flip) train.push(transformStep('RandomHorizontalFlip', {}, size));
  const affine = a.random_affine;
  if (affine) {
    const given: Record<string, PyValue> = { degrees: affine.degrees ?? 0, interpolation: 'bilinear' };
    if (affine.translate) given.translate = [...affine.translate];
    if (affine.scale) given.scale = [...affine.scale];
    train.push(transformStep('RandomAffine', given, size));
  }
  const jitter = a.color_jitter;
  if (jitter?.brightness || jitter?.contrast) train.push(transformStep('ColorJitter', { brightness: jitter.brightness ?? 0, contrast: jitter.contrast ?? 0 }, size));
  const test: ResolvedTransform[] = [];
  if (data.normalize) {
    const normalize = transformStep('Normalize', { mean: [...data.normalize.mean], std: [...data.normalize.std] }, size);
    train.push(normalize);
    test.push(normalize);
  }
  return { train, test, fitToInput: true, testDerived: false };
}

/** Resize(size, interpolation, max_size, antialias): an int sets the shorter side (aspect kept), (h, w) the size. */
import { resizedShorterSide } from '../../model/transforms/sizes';
import { deterministic, sizePair, type FloatImage, type TransformArgs, type TransformImpl } from './image';
import { scaleBoxes } from './moveBoxes';
import { pilResample } from './pilResample';
import { resample, type Interpolation } from './resample';

/** The output size for this image (torchvision's _compute_resized_output_size). */
export function resizeTarget(image: FloatImage, args: TransformArgs): [number, number] {
  if (typeof args.size === 'number') return resizedShorterSide([image.height, image.width], args.size, (args.max_size as number | null) ?? null);
  return sizePair(args.size);
}

export const resize: TransformImpl<undefined> = {
  ...deterministic((image, args) => {
    const [h, w] = resizeTarget(image, args);
    return resample(image, h, w, args.interpolation as Interpolation, args.antialias !== false);
  }),
  applyPil(image, args) {
    const [h, w] = resizeTarget(image, args);
    return pilResample(image, h, w, args.interpolation as Interpolation);
  },
  applyBoxes: (objects, _args, _params, from, to) => scaleBoxes(objects, from, to),
};

/** RandomCrop(size, padding, pad_if_needed, fill, padding_mode): pad, then a window at a random position. */
import { paddingSides } from '../../model/transforms/sizes';
import { crop, pad, type PaddingMode } from './crop';
import { perChannel, randint, sizePair, type FloatImage, type TransformArgs, type TransformImpl } from './image';

export interface CropParams {
  top: number;
  left: number;
}

/** The padding torchvision applies before cropping: `padding`, then pad_if_needed's (size − side) on both sides. */
function padded(image: FloatImage, args: TransformArgs): FloatImage {
  const fill = perChannel(args.fill, image.channels);
  const mode = args.padding_mode as PaddingMode;
  let img = args.padding === null ? image : pad(image, paddingSides(args.padding), mode, fill);
  const [th, tw] = sizePair(args.size);
  if (args.pad_if_needed && img.width < tw) img = pad(img, [tw - img.width, 0, tw - img.width, 0], mode, fill);
  if (args.pad_if_needed && img.height < th) img = pad(img, [0, th - img.height, 0, th - img.height], mode, fill);
  return img;
}

export const randomCrop: TransformImpl<CropParams> = {
  params(args, image, rng) {
    const img = padded(image, args);
    const [th, tw] = sizePair(args.size);
    if (img.height === th && img.width === tw) return { top: 0, left: 0 };
    return { top: randint(rng, 0, img.height - th + 1), left: randint(rng, 0, img.width - tw + 1) };
  },
  apply(image, args, p) {
    const [th, tw] = sizePair(args.size);
    return crop(padded(image, args), p.top, p.left, th, tw);
  },
};

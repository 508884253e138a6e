/** RandomCrop(size, padding, pad_if_needed, fill, padding_mode): pad, then a window at a random position. */
import { paddingSides } from '../../model/transforms/sizes';
import { crop, pad, type PaddingMode } from './crop';
import { cropBoxes } from './moveBoxes';
import { perChannel, randint, sizePair, type FloatImage, type TransformArgs, type TransformImpl } from './image';

export interface CropParams {
  top: number;
  left: number;
}

type Sides = [number, number, number, number];

/** The paddings torchvision applies before cropping, in order: `padding`, then pad_if_needed's (size − side) on both sides. */
function paddings(height: number, width: number, args: TransformArgs): Sides[] {
  const out: Sides[] = [];
  let [h, w] = [height, width];
  const add = (s: Sides) => {
    out.push(s);
    w += s[0] + s[2];
    h += s[1] + s[3];
  };
  if (args.padding !== null) add(paddingSides(args.padding));
  const [th, tw] = sizePair(args.size);
  if (args.pad_if_needed && w < tw) add([tw - w, 0, tw - w, 0]);
  if (args.pad_if_needed && h < th) add([0, th - h, 0, th - h]);
  return out;
}

function padded(image: FloatImage, args: TransformArgs): FloatImage {
  const fill = perChannel(args.fill, image.channels);
  return paddings(image.height, image.width, args).reduce((img, sides) => pad(img, sides, args.padding_mode as PaddingMode, fill), image);
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
  applyBoxes(objects, args, p, from, to) {
    const pads = paddings(from.height, from.width, args);
    const top = p.top - pads.reduce((s, side) => s + side[1], 0);
    const left = p.left - pads.reduce((s, side) => s + side[0], 0);
    return cropBoxes(objects, top, left, to);
  },
};

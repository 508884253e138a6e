/** RandomCrop(size, padding, pad_if_needed, fill, padding_mode): pad, then a window at a random position. */
import { paddingSides } from '../../model/transforms/sizes';
import { crop, pad, type PaddingMode } from './crop';
import { cropBoxes } from './moveBoxes';
import { perChannel, randint, sizePair, type TransformArgs, type TransformImpl } from './image';

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

/** The padded image's size and where the original sits in it. */
function paddedGeometry(height: number, width: number, args: TransformArgs): { height: number; width: number; top: number; left: number } {
  const pads = paddings(height, width, args);
  const sum = (side: number): number => pads.reduce((s, p) => s + (p[side] as number), 0);
  return { height: height + sum(1) + sum(3), width: width + sum(0) + sum(2), top: sum(1), left: sum(0) };
}

export const randomCrop: TransformImpl<CropParams> = {
  params(args, image, rng) {
    const img = paddedGeometry(image.height, image.width, args);
    const [th, tw] = sizePair(args.size);
    if (img.height === th && img.width === tw) return { top: 0, left: 0 };
    return { top: randint(rng, 0, img.height - th + 1), left: randint(rng, 0, img.width - tw + 1) };
  },
  apply(image, args, p) {
    const [th, tw] = sizePair(args.size);
    const fill = perChannel(args.fill, image.channels);
    // Zero padding is what crop() reads outside the image: crop the original at the shifted window, no padded copy.
    if (args.padding_mode === 'constant' && fill.every((v) => v === 0)) {
      const { top, left } = paddedGeometry(image.height, image.width, args);
      return crop(image, p.top - top, p.left - left, th, tw);
    }
    const padded = paddings(image.height, image.width, args).reduce((img, sides) => pad(img, sides, args.padding_mode as PaddingMode, fill), image);
    return crop(padded, p.top, p.left, th, tw);
  },
  applyBoxes(objects, args, p, from, to) {
    const { top, left } = paddedGeometry(from.height, from.width, args);
    return cropBoxes(objects, p.top - top, p.left - left, to);
  },
};

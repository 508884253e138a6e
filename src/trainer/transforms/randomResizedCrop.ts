/** RandomResizedCrop(size, scale, ratio, interpolation, antialias): a random window of random area and shape, resized. */
import { crop } from './crop';
import { pyRound, randint, sizePair, type TransformImpl } from './image';
import { cropBoxes, scaleBoxes } from './moveBoxes';
import { resample, type Interpolation } from './resample';

export interface ResizedCropParams {
  top: number;
  left: number;
  height: number;
  width: number;
}

export const randomResizedCrop: TransformImpl<ResizedCropParams> = {
  // torchvision's RandomResizedCrop.get_params: ten tries, then a central crop of the extreme ratio.
  params(args, image, rng) {
    const { height, width } = image;
    const [s0, s1] = args.scale as number[];
    const [r0, r1] = args.ratio as number[];
    const area = height * width;
    for (let attempt = 0; attempt < 10; attempt++) {
      const target = area * rng.uniform(s0, s1);
      const aspect = Math.exp(rng.uniform(Math.log(r0), Math.log(r1)));
      const w = pyRound(Math.sqrt(target * aspect));
      const h = pyRound(Math.sqrt(target / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) return { top: randint(rng, 0, height - h + 1), left: randint(rng, 0, width - w + 1), height: h, width: w };
    }
    const inRatio = width / height;
    let w = width;
    let h = height;
    if (inRatio < Math.min(r0, r1)) h = pyRound(w / Math.min(r0, r1));
    else if (inRatio > Math.max(r0, r1)) w = pyRound(h * Math.max(r0, r1));
    return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
  },
  apply(image, args, p) {
    const [h, w] = sizePair(args.size);
    return resample(crop(image, p.top, p.left, p.height, p.width), h, w, args.interpolation as Interpolation, args.antialias !== false);
  },
  applyBoxes: (objects, _args, p, _from, to) => scaleBoxes(cropBoxes(objects, p.top, p.left, p), p, to),
};

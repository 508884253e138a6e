/** RandomErasing(p, scale, ratio, value, inplace): with probability p, a random rectangle set to value. */
import { perChannel, pyRound, randint, type FloatImage, type TransformImpl } from './image';

/** The rectangle and its values (one per channel, or per pixel and channel for 'random'); null: no erasing. */
export interface ErasingParams {
  top: number;
  left: number;
  height: number;
  width: number;
  values: Float32Array;
}

export function erase(image: FloatImage, p: ErasingParams): FloatImage {
  const out = { ...image, data: Float32Array.from(image.data) };
  const perPixel = p.values.length > image.channels;
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      const to = ((p.top + y) * image.width + p.left + x) * image.channels;
      for (let c = 0; c < image.channels; c++) out.data[to + c] = perPixel ? p.values[(y * p.width + x) * image.channels + c] : p.values[c];
    }
  }
  return out;
}

export const randomErasing: TransformImpl<ErasingParams | null> = {
  // torchvision's RandomErasing.forward and get_params: ten tries at a rectangle that fits.
  params(args, image, rng) {
    if (!(rng.next() < (args.p as number))) return null;
    const { height, width, channels } = image;
    const [s0, s1] = args.scale as number[];
    const [r0, r1] = args.ratio as number[];
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = height * width * rng.uniform(s0, s1);
      const aspect = Math.exp(rng.uniform(Math.log(r0), Math.log(r1)));
      const h = pyRound(Math.sqrt(area * aspect));
      const w = pyRound(Math.sqrt(area / aspect));
      if (!(h < height && w < width)) continue;
      const values = args.value === 'random'
        ? Float32Array.from({ length: h * w * channels }, () => rng.gaussian())
        : Float32Array.from(perChannel(args.value, channels));
      return { top: randint(rng, 0, height - h + 1), left: randint(rng, 0, width - w + 1), height: h, width: w, values };
    }
    return null;
  },
  apply: (image, _args, p) => (p ? erase(image, p) : image),
};

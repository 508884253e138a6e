/** RandomHorizontalFlip(p) and RandomVerticalFlip(p): mirror with probability p. */
import { newImage, type FloatImage, type TransformImpl } from './image';
import { flipBoxes } from './moveBoxes';

export function flip(image: FloatImage, horizontal: boolean): FloatImage {
  const { height, width, channels, data } = image;
  const out = newImage(height, width, channels);
  for (let y = 0; y < height; y++) {
    const sy = horizontal ? y : height - 1 - y;
    for (let x = 0; x < width; x++) {
      const sx = horizontal ? width - 1 - x : x;
      const from = (sy * width + sx) * channels;
      const to = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out.data[to + c] = data[from + c];
    }
  }
  return out;
}

const randomFlip = (horizontal: boolean): TransformImpl<boolean> => ({
  params: (args, _image, rng) => rng.next() < (args.p as number),
  apply: (image, _args, flipped) => (flipped ? flip(image, horizontal) : image),
  applyBoxes: (objects, _args, flipped, from) => (flipped ? flipBoxes(objects, from, horizontal) : [...objects]),
});

export const randomHorizontalFlip = randomFlip(true);
export const randomVerticalFlip = randomFlip(false);

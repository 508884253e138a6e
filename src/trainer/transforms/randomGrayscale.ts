/** RandomGrayscale(p): grey with probability p, keeping the number of channels. */
import { toGrayscale } from './color';
import type { TransformImpl } from './image';

export const randomGrayscale: TransformImpl<boolean> = {
  params: (args, _image, rng) => rng.next() < (args.p as number),
  apply: (image, _args, grey) => (grey ? toGrayscale(image) : image),
};

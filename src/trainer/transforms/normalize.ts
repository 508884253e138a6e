/** Normalize(mean, std): (x − mean) / std per channel. */
import { deterministic, newImage, perChannel } from './image';

export const normalize = deterministic((image, args) => {
  const mean = perChannel(args.mean, image.channels);
  const std = perChannel(args.std, image.channels);
  const out = newImage(image.height, image.width, image.channels);
  for (let i = 0; i < out.data.length; i++) {
    const c = i % image.channels;
    out.data[i] = (image.data[i] - mean[c]) / std[c];
  }
  return out;
});

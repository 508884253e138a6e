/** CenterCrop(size): the central window, zero-padded first when the image is smaller (torchvision's F.center_crop). */
import { crop, pad } from './crop';
import { deterministic, pyRound, sizePair, type FloatImage } from './image';

export function centerCropImage(image: FloatImage, size: [number, number]): FloatImage {
  const [ch, cw] = size;
  let img = image;
  if (ch > img.height || cw > img.width) {
    const dh = Math.max(0, ch - img.height);
    const dw = Math.max(0, cw - img.width);
    img = pad(img, [dw >> 1, dh >> 1, (dw + 1) >> 1, (dh + 1) >> 1], 'constant', new Array(img.channels).fill(0));
    if (img.height === ch && img.width === cw) return img;
  }
  const top = Math.trunc(pyRound((img.height - ch) / 2));
  const left = Math.trunc(pyRound((img.width - cw) / 2));
  return crop(img, top, left, ch, cw);
}

export const centerCrop = deterministic((image, args) => centerCropImage(image, sizePair(args.size)));

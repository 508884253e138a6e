/** CenterCrop(size): the central window, zero-padded first when the image is smaller (torchvision's F.center_crop). */
import { crop } from './crop';
import { deterministic, pyRound, sizePair, type FloatImage, type TransformImpl } from './image';
import { cropBoxes } from './moveBoxes';

/**
 * Where the window starts in the image (negative: in the zero padding torchvision adds first when the image is
 * smaller, dw >> 1 on the left and dh >> 1 on top).
 */
export function centerCropOrigin(height: number, width: number, size: [number, number]): { top: number; left: number } {
  const [ch, cw] = size;
  const dh = Math.max(0, ch - height);
  const dw = Math.max(0, cw - width);
  const top = Math.trunc(pyRound((height + dh - ch) / 2)) - (dh >> 1);
  const left = Math.trunc(pyRound((width + dw - cw) / 2)) - (dw >> 1);
  return { top, left };
}

/** crop() fills outside the image with zeros, which is the padding F.center_crop adds. */
export function centerCropImage(image: FloatImage, size: [number, number]): FloatImage {
  const { top, left } = centerCropOrigin(image.height, image.width, size);
  return crop(image, top, left, size[0], size[1]);
}

export const centerCrop: TransformImpl<undefined> = {
  ...deterministic((image, args) => centerCropImage(image, sizePair(args.size))),
  applyBoxes(objects, args, _params, from, to) {
    const { top, left } = centerCropOrigin(from.height, from.width, sizePair(args.size));
    return cropBoxes(objects, top, left, to);
  },
};

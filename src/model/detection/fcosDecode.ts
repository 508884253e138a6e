/**
 * From the detection head's raw output for one image to its detections. The output is the map of
 * `classes + 5` channels per location, channels last ([H, W, classes + 5], as the engine runs): class logits, then
 * the (l, t, r, b) distances in strides (negative values read as 0: the head's ReLU, as torchvision's FCOS), then the
 * centre-ness logit. A location's score for a class is √(sigmoid(class logit) · sigmoid(centre-ness logit))
 * (torchvision's FCOS), its box the decoded distances clipped to the image; selectDetections does the rest.
 */
import { clipBox } from './boxes';
import { decodeLtrb, locationCentre, type FcosGrid } from './fcosCoding';
import { DECODE_DEFAULTS, selectDetections, type DecodeOptions, type Detection } from './postprocess';

/** Channels per location of a head for `classes` classes: class logits, l, t, r, b, centre-ness. */
export function fcosChannels(classes: number): number {
  return classes + 5;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The detections of one image: `output` holds its map (grid.height × grid.width × (classes + 5) values from
 * `offset`), the image is imageWidth × imageHeight pixels.
 */
export function decodeFcosOutput(output: ArrayLike<number>, offset: number, grid: FcosGrid, classes: number, image: { width: number; height: number }, options: Partial<DecodeOptions> = {}): Detection[] {
  const channels = fcosChannels(classes);
  const threshold = options.scoreThreshold ?? DECODE_DEFAULTS.scoreThreshold;
  const candidates: Detection[] = [];
  for (let y = 0; y < grid.height; y++) {
    for (let x = 0; x < grid.width; x++) {
      const at = offset + (y * grid.width + x) * channels;
      const ctr = sigmoid(output[at + classes + 4]);
      let box: Detection['box'] | undefined;
      for (let c = 0; c < classes; c++) {
        const score = Math.sqrt(sigmoid(output[at + c]) * ctr);
        if (!(score > threshold)) continue;
        if (!box) {
          const [px, py] = locationCentre(x, y, grid.stride);
          const d = [0, 1, 2, 3].map((k) => Math.max(0, output[at + classes + k])) as [number, number, number, number];
          box = clipBox(decodeLtrb(d, px, py, grid.stride), image.width, image.height);
        }
        candidates.push({ cls: c, score, box });
      }
    }
  }
  return selectDetections(candidates, options);
}

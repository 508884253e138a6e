/** Detection test helpers: the head output of a perfect model for given objects, and a tiny detector to train. */
import { assignFcosTargets, type FcosGrid } from '../../src/model/detection/fcosCoding';
import { fcosChannels } from '../../src/model/detection/fcosDecode';
import type { ImageObject } from '../../src/trainer/datasets/objectBoxes';

/** The head output a perfect model gives: ±12 class logits, the true distances, centre-ness logits from the targets. */
export function perfectOutput(truth: readonly ImageObject[], grid: FcosGrid, classes: number): Float64Array {
  const channels = fcosChannels(classes);
  const t = assignFcosTargets(truth.map((o) => o.box), truth.map((o) => o.cls), grid);
  const output = new Float64Array(grid.height * grid.width * channels);
  for (let p = 0; p < grid.height * grid.width; p++) {
    for (let c = 0; c < classes; c++) output[p * channels + c] = t.classes[p] === c ? 12 : -12;
    for (let k = 0; k < 4; k++) output[p * channels + classes + k] = t.ltrb[p * 4 + k];
    output[p * channels + classes + 4] = t.classes[p] >= 0 ? 4 * t.centerness[p] : -12;
  }
  return output;
}

/** A tiny detector on 32×32 `shapes` scenes (an 8×8 head map, no BatchNorm): seconds to train for 2 epochs. */
export const TINY_DETECTOR = `name: parts-det
task: detection
input: [1, 32, 32]
layers:
  - Conv2d(1, 8, 3, padding=1)
  - ReLU()
  - MaxPool2d(4)
  - DetectionHead(8, 5)
data: { dataset: shapes, train_samples: 80, test_samples: 16 }
train: { epochs: 2, batch_size: 16, seed: 5 }
`;

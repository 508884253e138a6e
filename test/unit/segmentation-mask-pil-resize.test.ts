/**
 * A segmentation mask through the loader's stored steps (a maskfolder's leading Resize / CenterCrop, the PIL stage)
 * equals what torchvision's segmentation recipes give: the same steps on the PIL mask with
 * InterpolationMode.NEAREST, which is PIL's nearest (the centre of each output pixel mapped back, ⌊(i + ½) · scale⌋),
 * not torch's ⌊i · scale⌋. References from Debian's torchvision at test time (scripts/torchvision-pil-resize.py).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PyValue, TransformStep, TransformType } from '../../src/model/types';
import { TRANSFORM_CATALOG } from '../../src/model/transforms/catalog';
import { Random } from '../../src/trainer/datasets/random';
import { runPipelineWithMask } from '../../src/trainer/transforms/pipeline';
import { python, pythonHas } from '../fixtures/python';

type Call = [TransformType, Record<string, PyValue>];
const CASES: Array<{ name: string; height: number; width: number; transforms: Call[] }> = [
  { name: 'Resize(40) on a 61×97 mask (a scale of 1.5)', height: 61, width: 97, transforms: [['Resize', { size: 40 }]] },
  { name: 'Resize((100, 33)) stretches one way, shrinks the other', height: 61, width: 97, transforms: [['Resize', { size: [100, 33] }]] },
  { name: 'Resize((29, 31)) enlarges a 13×17 mask', height: 13, width: 17, transforms: [['Resize', { size: [29, 31] }]] },
  { name: 'Resize(224) shrinks a 296×256 mask', height: 296, width: 256, transforms: [['Resize', { size: 224 }]] },
  { name: 'Resize(256), CenterCrop(224) on a 375×500 mask', height: 375, width: 500, transforms: [['Resize', { size: 256 }], ['CenterCrop', { size: 224 }]] },
];

/** Class indices in blocks of varying sizes (as masks are), a few 255 (ignore) pixels and single-pixel specks. */
function maskOf(height: number, width: number, seed: number): Uint8Array {
  const rng = new Random(seed);
  return Uint8Array.from({ length: height * width }, (_, i) => {
    const [y, x] = [Math.floor(i / width), i % width];
    if (rng.int(17) === 0) return rng.int(2) ? 255 : rng.int(21);
    return (Math.floor(y / 3) * 7 + Math.floor(x / 2) * 3) % 21;
  });
}

function step([type, given]: Call): TransformStep {
  const args: Record<string, PyValue> = {};
  for (const a of TRANSFORM_CATALOG[type].args) args[a.name] = given[a.name] ?? a.default ?? null;
  return { type, args };
}

const hasTorchvision = pythonHas('torchvision, PIL') && pythonHas('numpy');

describe('stored Resize / CenterCrop move a mask as torchvision moves a PIL mask with NEAREST', { skip: !hasTorchvision && 'needs /usr/bin/python3 with torchvision, PIL and numpy' }, () => {
  const masks = CASES.map((c, i) => maskOf(c.height, c.width, i + 1));
  // The mask's steps in the recipes: the image's, with interpolation=NEAREST where they resample.
  const nearest = (calls: Call[]): Call[] => calls.map(([type, args]) => [type, type === 'Resize' ? { ...args, interpolation: 'nearest' } : args]);
  const reference = hasTorchvision
    ? (JSON.parse(execFileSync(python, [join(__dirname, '..', '..', 'scripts', 'torchvision-pil-resize.py')], {
      input: JSON.stringify(CASES.map((c, i) => ({ height: c.height, width: c.width, channels: 1, transforms: nearest(c.transforms), data: Array.from(masks[i]) }))),
      maxBuffer: 1 << 28,
    }).toString()) as Array<{ height: number; width: number; data: number[] }>)
    : [];

  CASES.forEach((c, i) => {
    it(c.name, () => {
      const image = { data: new Float32Array(c.height * c.width * 3).fill(0.5), height: c.height, width: c.width, channels: 3 };
      const mask = { data: Float32Array.from(masks[i]), height: c.height, width: c.width, channels: 1 };
      const moved = runPipelineWithMask(image, mask, c.transforms.map(step), new Random(0), 'pil').mask;
      const ref = reference[i];
      assert.ok(moved);
      assert.deepEqual([moved.height, moved.width], [ref.height, ref.width]);
      let differing = 0;
      for (let k = 0; k < ref.data.length; k++) if (moved.data[k] !== ref.data[k]) differing++;
      assert.equal(differing, 0, `${differing} of ${ref.data.length} mask pixels differ from torchvision's`);
    });
  });
});

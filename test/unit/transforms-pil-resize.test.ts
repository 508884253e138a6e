/**
 * The loader's leading Resize / CenterCrop steps equal torchvision's on the PIL images its datasets yield, pixel
 * for pixel: PIL's fixed-point filter, horizontal pass first, each pass rounded to 8 bits (pilResample.ts), and PIL's
 * nearest. References from Debian's torchvision at test time (scripts/torchvision-pil-resize.py) on images of
 * smooth gradients with noise, downscaled (antialiased), upscaled and stretched, gray and RGB.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PyValue, TransformStep, TransformType } from '../../src/model/types';
import { TRANSFORM_CATALOG } from '../../src/model/transforms/catalog';
import { Random } from '../../src/trainer/datasets/random';
import { quantize, transformPixels } from '../../src/trainer/datasets/storedSteps';
import { python, pythonHas } from '../fixtures/python';

type Call = [TransformType, Record<string, PyValue>];
interface Case {
  name: string;
  height: number;
  width: number;
  channels: number;
  transforms: Call[];
}

const CASES: Case[] = [
  { name: 'Resize(224) shrinks a 296×256 RGB picture (antialiased)', height: 296, width: 256, channels: 3, transforms: [['Resize', { size: 224 }]] },
  { name: 'Resize(256), CenterCrop(224) on a 375×500 RGB picture (the ImageNet evaluation steps)', height: 375, width: 500, channels: 3, transforms: [['Resize', { size: 256 }], ['CenterCrop', { size: 224 }]] },
  { name: 'Resize(40) on a 61×97 gray image (a scale of 1.5)', height: 61, width: 97, channels: 1, transforms: [['Resize', { size: 40 }]] },
  { name: 'Resize((29, 31)) enlarges a 13×17 RGB image', height: 13, width: 17, channels: 3, transforms: [['Resize', { size: [29, 31] }]] },
  { name: 'Resize((50, 13)) changes only the width (one pass)', height: 50, width: 40, channels: 3, transforms: [['Resize', { size: [50, 13] }]] },
  { name: 'Resize((100, 33)) stretches one way, shrinks the other', height: 61, width: 97, channels: 1, transforms: [['Resize', { size: [100, 33] }]] },
  { name: 'Resize(224, antialias=False) still antialiases (torchvision ignores the flag for PIL images)', height: 296, width: 256, channels: 3, transforms: [['Resize', { size: 224, antialias: false }]] },
  { name: "Resize(224, interpolation='nearest'): PIL's nearest", height: 296, width: 256, channels: 3, transforms: [['Resize', { size: 224, interpolation: 'nearest' }]] },
  { name: "Resize((100, 33), interpolation='nearest') enlarging and shrinking", height: 61, width: 97, channels: 1, transforms: [['Resize', { size: [100, 33], interpolation: 'nearest' }]] },
  { name: 'Resize(100, max_size=120) on a 375×500 RGB picture', height: 375, width: 500, channels: 3, transforms: [['Resize', { size: 100, max_size: 120 }]] },
];

/** Smooth gradients (what photographs mostly are) with every seventh value noise, so rounding matters everywhere. */
function pixelsOf(c: Case, seed: number): Uint8Array {
  const rng = new Random(seed);
  const n = c.height * c.width * c.channels;
  return Uint8Array.from({ length: n }, (_, i) => (i % 7 === 0 ? rng.int(256) : Math.floor(128 + 127 * Math.sin(i / (13 + c.channels)))));
}

/** Catalog defaults completed with the case's arguments, as the model file resolves them. */
function step([type, given]: Call): TransformStep {
  const args: Record<string, PyValue> = {};
  for (const a of TRANSFORM_CATALOG[type].args) args[a.name] = given[a.name] ?? a.default ?? null;
  return { type, args };
}

const hasTorchvision = pythonHas('torchvision, PIL') && pythonHas('numpy');

describe('stored Resize / CenterCrop equal torchvision on PIL images', { skip: !hasTorchvision && 'needs /usr/bin/python3 with torchvision, PIL and numpy' }, () => {
  const inputs = CASES.map((c, i) => pixelsOf(c, i + 1));
  const reference = hasTorchvision
    ? (JSON.parse(execFileSync(python, [join(__dirname, '..', '..', 'scripts', 'torchvision-pil-resize.py')], {
      input: JSON.stringify(CASES.map((c, i) => ({ ...c, data: Array.from(inputs[i]) }))),
      maxBuffer: 1 << 28,
    }).toString()) as Array<{ height: number; width: number; data: number[] }>)
    : [];

  CASES.forEach((c, i) => {
    it(c.name, () => {
      const image = transformPixels(inputs[i], c.height, c.width, c.channels, c.transforms.map(step));
      const ref = reference[i];
      assert.deepEqual([image.height, image.width], [ref.height, ref.width]);
      const got = quantize(image);
      let differing = 0;
      for (let k = 0; k < got.length; k++) if (got[k] !== ref.data[k]) differing++;
      assert.equal(differing, 0, `${differing} of ${got.length} values differ from torchvision's`);
    });
  });
});

/**
 * Every transform against torchvision 0.14 (Debian's python3-torchvision): scripts/torchvision-transforms.py
 * writes torchvision's outputs on fixed 3×13×17 images at test time, deterministic transforms as they are and
 * random ones through the functionals with fixed parameters, which is what each module's apply() receives.
 *
 * Tolerances: 1e-5 for float results (torch computes in float32, CNN Lab in float64 then float32); 1 grey level
 * (of 255) for 8-bit RandAugment operations, where a float32 rounding difference can flip a truncation;
 * resampled geometry (affine, rotate) may differ at the odd pixel whose source lies exactly half-way between two
 * pixels (float32 vs float64 grid), so at most 1% of those values may differ.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { python, pythonHas } from '../fixtures/python';
import type { PyValue, TransformType } from '../../src/model/types';
import { TRANSFORM_CATALOG } from '../../src/model/transforms/catalog';
import { applyOp, augmentationSpace, type AugmentOp } from '../../src/trainer/transforms/augmentOps';
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation, toGrayscale } from '../../src/trainer/transforms/color';
import { applyJitter, type JitterParams } from '../../src/trainer/transforms/colorJitter';
import { flip } from '../../src/trainer/transforms/flips';
import { pyRound, type FloatImage, type TransformArgs } from '../../src/trainer/transforms/image';
import type { Interpolation } from '../../src/trainer/transforms/resample';
import { TRANSFORMS } from '../../src/trainer/transforms/registry';
import { erase } from '../../src/trainer/transforms/randomErasing';

interface Case {
  name: string;
  op: string;
  shape: [number, number, number];
  data: number[];
  args?: Record<string, PyValue>;
  params?: unknown;
  factor?: number;
  input?: 'bytes';
  input_channels?: number;
  op_name?: AugmentOp;
  magnitude?: number;
  interpolation?: Interpolation;
}
interface Reference {
  height: number;
  width: number;
  channels: number;
  cases: Case[];
  randAugmentSpace: Record<string, number[]>;
  trivialSpace: Record<string, number[]>;
}

const script = join(__dirname, '..', '..', 'scripts', 'torchvision-transforms.py');
const hasTorchvision = pythonHas('torchvision');

/** The script's fixed image: ((7x + 13y + 29c + xy) mod 31) / 30, HWC; bytes are rounded half to even as torch.round. */
function fixedImage(channels: number, h: number, w: number, bytes: boolean): FloatImage {
  const data = new Float32Array(h * w * channels);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < channels; c++) {
    const v = Math.fround(((x * 7 + y * 13 + c * 29 + x * y) % 31) / 30);
    data[(y * w + x) * channels + c] = bytes ? pyRound(Math.fround(v * 255)) : v;
  }
  return { data, height: h, width: w, channels };
}

/** Resolved arguments: the catalog's defaults with the case's own. */
function argsFor(type: TransformType, given: Record<string, PyValue> = {}): TransformArgs {
  const args: TransformArgs = {};
  for (const a of TRANSFORM_CATALOG[type].args) args[a.name] = given[a.name] ?? a.default ?? null;
  return args;
}

function run(c: Case, img: FloatImage): FloatImage {
  const apply = (type: TransformType, params: unknown) => TRANSFORMS[type].apply(img, argsFor(type, c.args), params);
  switch (c.op) {
    case 'resize': return apply('Resize', undefined);
    case 'centerCrop': return apply('CenterCrop', undefined);
    case 'randomCrop': return apply('RandomCrop', c.params);
    case 'randomResizedCrop': return apply('RandomResizedCrop', c.params);
    case 'hflip': return flip(img, true);
    case 'vflip': return flip(img, false);
    case 'rotate': return apply('RandomRotation', c.params);
    case 'affine': return apply('RandomAffine', c.params);
    case 'brightness': return adjustBrightness(img, c.factor as number);
    case 'contrast': return adjustContrast(img, c.factor as number);
    case 'saturation': return adjustSaturation(img, c.factor as number);
    case 'hue': return adjustHue(img, c.factor as number);
    case 'colorJitter': return applyJitter(img, c.params as JitterParams);
    case 'grayscale': return toGrayscale(img);
    case 'gaussianBlur': return apply('GaussianBlur', c.params);
    case 'erase': {
      const p = c.params as { top: number; left: number; height: number; width: number; values: number[] };
      return erase(img, { ...p, values: Float32Array.from(p.values) });
    }
    case 'normalize': return apply('Normalize', undefined);
    case 'augmentOp': return applyOp(img, c.op_name as AugmentOp, c.magnitude as number, c.interpolation as Interpolation, null);
    default: throw new Error(`unknown op ${c.op}`);
  }
}

describe('transforms match torchvision', { skip: !hasTorchvision && 'needs /usr/bin/python3 with torchvision' }, () => {
  const reference = hasTorchvision ? (JSON.parse(execFileSync(python, [script], { maxBuffer: 64 << 20 }).toString()) as Reference) : undefined;
  for (const c of reference?.cases ?? []) {
    it(c.name, () => {
      const r = reference as Reference;
      const img = fixedImage(c.input_channels ?? r.channels, r.height, r.width, c.input === 'bytes');
      const out = run(c, img);
      assert.deepEqual([out.height, out.width, out.channels], c.shape, 'output shape');
      const bytes = c.input === 'bytes';
      const geometric = ['rotate', 'affine'].includes(c.op) || (bytes && c.interpolation === 'bilinear');
      const tolerance = bytes ? 1 : 1e-5;
      let off = 0;
      let worst = 0;
      for (let i = 0; i < c.data.length; i++) {
        const d = Math.abs(out.data[i] - c.data[i]);
        if (d > tolerance) off++;
        worst = Math.max(worst, d);
      }
      const allowed = geometric ? Math.floor(c.data.length * 0.01) : 0;
      assert.ok(off <= allowed, `${off} of ${c.data.length} values differ by more than ${tolerance} (worst ${worst})`);
    });
  }
  it('RandAugment and TrivialAugmentWide magnitude tables', () => {
    const r = reference as Reference;
    for (const [wide, table] of [[false, r.randAugmentSpace], [true, r.trivialSpace]] as const) {
      const ours = augmentationSpace(31, r.height, r.width, wide);
      for (const [op, values] of Object.entries(table)) {
        const mine = ours[op as AugmentOp].magnitudes;
        assert.equal(mine.length, values.length, op);
        values.forEach((v, i) => assert.ok(Math.abs(mine[i] - v) < 1e-4, `${op}[${i}]: ${mine[i]} vs ${v}`));
      }
    }
  });
});

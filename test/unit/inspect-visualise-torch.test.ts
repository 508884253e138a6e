/**
 * Guided backprop, the deconvnet reconstruction and Grad-CAM against PyTorch 1.13 (scripts/torch-visualise-reference.py,
 * hand-written rules, no captum) on a residual CNN with BatchNorm and fixed seeded weights, on the embedded wasm engine
 * and on tfjs's reference CPU kernels. Grad-CAM looks at a convolution inside the residual block.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gradCam } from '../../src/inspect/network/gradCam';
import { deconvnet, guidedBackprop } from '../../src/inspect/network/guidedBackprop';
import { fromPixels } from '../../src/inspect/network/input';
import { viewTarget } from '../../src/inspect/network/target';
import { python, pythonHas } from '../fixtures/python';
import { runWith } from './visualise-fixture';

const script = join(__dirname, '..', '..', 'scripts', 'torch-visualise-reference.py');
const hasTorch = pythonHas('torch');

const MODEL = `name: residual-reference
input: [2, 8, 8]
layers:
  - Conv2d(2, 4, 3, padding=1)
  - BatchNorm2d(4)
  - ReLU()
  - residual:
      layers:
        - Conv2d(4, 4, 3, padding=1)
        - ReLU()
        - Conv2d(4, 4, 3, padding=1)
  - ReLU()
  - MaxPool2d(2)
  - Flatten()
  - Linear(64, 3)
`;

/** Deterministic values in [−scale, scale). */
function values(seed: number, n: number, scale = 0.5): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}

interface Data {
  shape: number[];
  data: number[];
}

/** torch state (name → tensor) and the engine's variables (layerN.…, HWIO convs, [in, out] Linear). */
function weights(): { torch: Record<string, Data>; engine: Record<string, number[]> } {
  const torch: Record<string, Data> = {};
  const engine: Record<string, number[]> = {};
  const conv = (name: string, layer: number, out: number, inC: number, seed: number): void => {
    const w = values(seed, out * inC * 9);
    torch[`${name}.weight`] = { shape: [out, inC, 3, 3], data: w };
    const hwio: number[] = [];
    for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) for (let i = 0; i < inC; i++) for (let o = 0; o < out; o++) hwio.push(w[((o * inC + i) * 3 + y) * 3 + x]);
    engine[`layer${layer}.weight`] = hwio;
    const b = values(seed + 1, out, 0.1);
    torch[`${name}.bias`] = { shape: [out], data: b };
    engine[`layer${layer}.bias`] = b;
  };
  conv('conv1', 1, 4, 2, 10);
  conv('conv2', 4, 4, 4, 20);
  conv('conv3', 6, 4, 4, 30);
  const bn: Record<string, number[]> = { weight: values(40, 4).map((v) => 1 + v), bias: values(41, 4, 0.2), running_mean: values(42, 4, 0.3), running_var: values(43, 4).map((v) => 0.5 + v * v) };
  for (const [k, v] of Object.entries(bn)) {
    torch[`bn1.${k}`] = { shape: [4], data: v };
    engine[`layer2.${k}`] = v;
  }
  // Flatten is torch's order (C, H, W); the engine's Linear weight is [in, out] in that order.
  const fc = values(50, 3 * 64);
  torch['fc.weight'] = { shape: [3, 64], data: fc };
  torch['fc.bias'] = { shape: [3], data: values(51, 3, 0.1) };
  engine['layer10.weight'] = Array.from({ length: 64 * 3 }, (_, i) => fc[(i % 3) * 64 + Math.floor(i / 3)]);
  engine['layer10.bias'] = torch['fc.bias'].data;
  return { torch, engine };
}

function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  const scale = Math.max(...expected.map(Math.abs));
  assert.ok(scale > 0, `${what}: the reference is all zeros`);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= 1e-4 * scale, `${what} at ${i}: ${actual[i]} vs ${e}`));
}

describe('visualisations match PyTorch', { skip: !hasTorch && 'needs /usr/bin/python3 with torch' }, () => {
  it('guided backprop, deconvnet and Grad-CAM of a residual CNN with BatchNorm (wasm and cpu)', async () => {
    const w = weights();
    const hwc = values(60, 2 * 64, 1);
    const nchw = Array.from({ length: 128 }, (_, i) => hwc[(i % 64) * 2 + Math.floor(i / 64)]);
    const cls = 1;
    const ref = JSON.parse(execFileSync(python, [script], { input: JSON.stringify({ x: { shape: [1, 2, 8, 8], data: nchw }, weights: w.torch, cls }), encoding: 'utf8' })) as {
      guided: number[]; deconvnet: number[]; deconvUnit: number[]; camWeights: number[]; cam: number[];
    };
    for (const backend of ['wasm', 'cpu'] as const) {
      const { run } = await runWith(MODEL, w.engine, backend);
      try {
        const input = fromPixels(new Uint8Array(128), 8, 8, 2, undefined, 'seeded');
        input.x.set(hwc);
        const target = viewTarget(run, cls);
        assertClose(await guidedBackprop(run, input, target), ref.guided, `${backend} guided backprop`);
        const d = await deconvnet(run, input, 8);
        assert.deepEqual([d.unit.channel, d.unit.row, d.unit.col], ref.deconvUnit, `${backend} strongest unit`);
        assertClose(d.gradient, ref.deconvnet, `${backend} deconvnet`);
        const cam = await gradCam(run, input, target, 6);
        assertClose(cam.weights, ref.camWeights, `${backend} Grad-CAM weights`);
        assertClose(cam.cam, ref.cam, `${backend} Grad-CAM map`);
      } finally {
        run.dispose();
      }
    }
  });
});

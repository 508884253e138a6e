/**
 * The pytorch export and `cnnlab import` speak torchvision's names for zoo models: weights made by torchvision itself
 * (at test time, seeded, BatchNorm statistics off their defaults) import into examples/zoo's file and give
 * torchvision's logits in the engine; exported again, torchvision.models.<name>() loads weights.pth with
 * load_state_dict(strict=True) and gives the same logits; the exported model.py loads torchvision's file as well.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runExport } from '../../src/cli/export';
import { runImport } from '../../src/cli/import';
import { initBackend } from '../../src/trainer/backend';
import { loadCheckpoint } from '../../src/trainer/engine/checkpoint';
import { buildModel } from '../../src/trainer/engine/model';
import type { TF } from '../../src/trainer/engine/tf';
import { analyze } from './engine-fixtures';
import { engineOutputs, HAS_TORCH, PYTHON } from './export-fixtures';

const ROOT = join(__dirname, '../..');
const SCRIPT = join(__dirname, '../fixtures/export/torchvision-roundtrip.py');

let tf: TF;
let root: string;

before(async () => {
  tf = (await initBackend('wasm')).tf;
  root = mkdtempSync(join(tmpdir(), 'cnnlab-torchvision-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

function python(...args: string[]): Record<string, number[]> {
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, number[]>;
}

async function cli(run: typeof runImport, ...args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const status = await run(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  assert.equal(status, 0, err);
  return out;
}

function worst(actual: ArrayLike<number>, expected: readonly number[]): number {
  let w = 0;
  expected.forEach((e, i) => (w = Math.max(w, Math.abs(actual[i] - e) / Math.max(1, Math.abs(e)))));
  return w;
}

describe('torchvision weights in and out of a zoo model', { skip: !HAS_TORCH && 'python3 with torch and torchvision is not installed' }, () => {
  // ResNet-18: nested blocks and projections; MobileNetV3-small: torchvision.ops.SqueezeExcitation, Hardswish.
  for (const name of ['resnet18', 'mobilenet_v3_small']) {
    it(`${name}: torchvision → import → engine logits → export → torchvision.models.${name}() and model.py give the same logits`, async () => {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      const { logits } = python('make', name, dir);
      const modelFile = join(ROOT, 'examples/zoo', `${name}.cnn.yaml`);
      const runDir = JSON.parse(await cli(runImport, join(dir, 'torchvision.pth'), '--model', modelFile, '--out', join(dir, 'runs'), '--json')).runDir as string;

      const analysis = analyze(readFileSync(modelFile, 'utf8'));
      const model = buildModel(tf, analysis.graph, 1);
      await loadCheckpoint(tf, model, join(runDir, 'best'));
      const input = new Float32Array(readFileSync(join(dir, 'input.f32')).buffer.slice(0));
      const engine = engineOutputs(tf, model, analysis, input, 2);
      model.dispose();
      assert.ok(worst(engine, logits) <= 1e-4, `engine against torchvision: ${worst(engine, logits)}`);

      const exported = join(dir, 'export');
      await cli(runExport, runDir, '--format', 'pytorch', '--out', exported);
      const back = python('check', name, dir, exported);
      // The same numbers moved twice (torch → engine → torch layouts): torchvision computes exactly what it did.
      assert.deepEqual(back.torchvision, logits);
      assert.ok(worst(back.model_py, logits) <= 1e-5, `model.py against torchvision: ${worst(back.model_py, logits)}`);
    });
  }
});

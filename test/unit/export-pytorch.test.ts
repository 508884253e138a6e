/**
 * `cnnlab export --format pytorch` against PyTorch itself (Debian's python3-torch): for every example model and a
 * model with every layer type (and one with every merge), the exported model.py loads weights.pth with
 * torch.load(weights_only=True) and load_state_dict(strict=True), its state_dict keys are the model file's, and it
 * gives the engine's outputs on a batch.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runExport } from '../../src/cli/export';
import { LAYER_TYPES } from '../../src/model/layers/catalog';
import { stateKeys } from '../../src/model/stateKeys';
import type { TF } from '../../src/trainer/engine/tf';
import { initBackend } from '../../src/trainer/backend';
import { analyze } from './engine-fixtures';
import { engineOutputs, HAS_TORCH, PYTHON, randomBatch, untrainedRun } from './export-fixtures';

const ROOT = join(__dirname, '../..');
const FIXTURES = join(__dirname, '../fixtures/export');
const MODELS = [
  ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.cnn.yaml')).map((f) => join(ROOT, 'examples', f)),
  join(FIXTURES, 'every-layer.cnn.yaml'),
  join(FIXTURES, 'graph-merges.cnn.yaml'),
];

let tf: TF;
let root: string;

before(async () => {
  // The embedded wasm engine (what users train with); the reference cpu backend takes minutes on VGG-16.
  tf = (await initBackend('wasm')).tf;
  root = mkdtempSync(join(tmpdir(), 'cnnlab-export-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

function quietIo(): { io: { out(t: string): void; err(t: string): void }; text: () => string } {
  let text = '';
  return { io: { out: (t) => void (text += t), err: (t) => void (text += t) }, text: () => text };
}

describe('export --format pytorch', { skip: !HAS_TORCH && 'python3 with torch is not installed' }, () => {
  it('the model with every layer type covers the whole catalog', () => {
    const analysis = analyze(readFileSync(join(FIXTURES, 'every-layer.cnn.yaml'), 'utf8'));
    assert.deepEqual([...new Set(analysis.layers.map((l) => l.type))].sort(), [...LAYER_TYPES].sort());
  });

  for (const file of MODELS) {
    const name = file.split('/').pop() as string;
    it(`${name}: PyTorch gives the engine's outputs within 1e-5 with the exported weights`, async () => {
      const text = readFileSync(file, 'utf8');
      const analysis = analyze(text);
      const { runDir, model } = await untrainedRun(tf, analysis, text, join(root, 'runs'));
      // VGG-16 at 224×224 is slow on the reference backend: one sample there, a batch of 3 elsewhere.
      const n = analysis.input[1] > 64 ? 1 : 3;
      const batch = randomBatch(analysis, n);
      const expected = engineOutputs(tf, model, analysis, batch, n);
      // The model file's parameter names, in its order (PyTorch's state_dict order for the same modules).
      const names = stateKeys(analysis.layers).map((k) => k.key);
      model.dispose();
      const out = join(root, 'export', analysis.name);
      const { io, text: said } = quietIo();
      assert.equal(await runExport([runDir, '--format', 'pytorch', '--out', out], io), 0, said());
      const batchFile = join(root, `${analysis.name}.f32`);
      writeFileSync(batchFile, batch);
      const r = spawnSync(PYTHON, [join(FIXTURES, 'torch-forward.py'), out, batchFile, String(n)], { encoding: 'utf8', maxBuffer: 1 << 28 });
      assert.equal(r.status, 0, r.stderr);
      const torch = JSON.parse(r.stdout) as { shape: number[]; data: number[]; keys: string[] };
      assert.deepEqual(torch.shape, [n, ...analysis.outputShape]);
      assert.deepEqual(torch.keys, names);
      let worst = 0;
      torch.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]) / Math.max(1, Math.abs(expected[i])))));
      assert.ok(worst <= 1e-5, `${name}: largest difference ${worst}`);
      rmSync(out, { recursive: true, force: true });
    });
  }
});

describe('cnnlab export: problems', () => {
  it('names the formats on a usage error, and refuses a folder that is not a run (exit 1) or an --out of the wrong kind (exit 2)', async () => {
    const bad = quietIo();
    assert.equal(await runExport([root, '--format', 'keras', '--out', join(root, 'x')], bad.io), 2);
    assert.match(bad.text(), /unknown format 'keras'[\s\S]*Formats:\n {2}pytorch /);
    const notRun = quietIo();
    assert.equal(await runExport([FIXTURES, '--format', 'pytorch', '--out', join(root, 'y')], notRun.io), 1);
    assert.match(notRun.text(), /is not a run folder \(no model\.cnn\.yaml\)/);
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    const wrongKind = quietIo();
    assert.equal(await runExport([FIXTURES, '--format', 'pytorch', '--out', file], wrongKind.io), 2);
    assert.match(wrongKind.text(), /exists and is not a folder; --format pytorch writes a folder/);
  });
});

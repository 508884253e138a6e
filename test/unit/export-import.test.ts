/**
 * `cnnlab import`: import(export(run)) is the same run to the engine (identical checkpoint values, identical
 * predictions), state_dicts written by PyTorch itself import (with DistributedDataParallel's `module.` prefix), and
 * files that are not the model's state_dict are refused with a message naming the file and the parameter.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runExport } from '../../src/cli/export';
import { runImport } from '../../src/cli/import';
import { runPredict } from '../../src/cli/predict';
import { readCheckpointWeights } from '../../src/export/source';
import { encodePng } from '../../src/inspect/image/png';
import { initBackend } from '../../src/trainer/backend';
import type { TF } from '../../src/trainer/engine/tf';
import { analyze } from './engine-fixtures';
import { HAS_TORCH, PYTHON, untrainedRun } from './export-fixtures';

const ROOT = join(__dirname, '../..');
const FIXTURES = join(__dirname, '../fixtures/export');

let tf: TF;
let root: string;

before(async () => {
  tf = (await initBackend('wasm')).tf;
  root = mkdtempSync(join(tmpdir(), 'cnnlab-import-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

async function cli(run: typeof runImport, ...args: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await run(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { status, out, err };
}

/** A run of `file`'s model, exported for PyTorch into `<root>/export/<name>`; returns the run and export folders. */
async function exportedRun(file: string): Promise<{ runDir: string; dir: string; modelFile: string }> {
  const text = readFileSync(file, 'utf8');
  const analysis = analyze(text);
  const { runDir, model } = await untrainedRun(tf, analysis, text, join(root, 'runs'));
  model.dispose();
  const dir = join(root, 'export', analysis.name);
  assert.equal((await cli(runExport, runDir, '--format', 'pytorch', '--out', dir)).status, 0);
  return { runDir, dir, modelFile: join(dir, 'model.cnn.yaml') };
}

describe('cnnlab import', () => {
  for (const file of [join(FIXTURES, 'every-layer.cnn.yaml'), join(FIXTURES, 'graph-merges.cnn.yaml'), join(ROOT, 'examples/resnet-mini.cnn.yaml')]) {
    it(`import(export(run)) of ${file.split('/').pop()} has the run's weights and predictions`, async () => {
      const { runDir, dir, modelFile } = await exportedRun(file);
      const r = await cli(runImport, join(dir, 'weights.pth'), '--model', modelFile, '--out', join(root, 'imported'), '--json');
      assert.equal(r.status, 0, r.err);
      const imported = JSON.parse(r.out).runDir as string;
      const [before, after] = [await readCheckpointWeights(join(runDir, 'best')), await readCheckpointWeights(join(imported, 'best'))];
      assert.deepEqual(after.map((w) => [w.name, w.shape]), before.map((w) => [w.name, w.shape]));
      before.forEach((w, i) => assert.deepEqual(after[i].values, w.values, w.name));
      const analysis = analyze(readFileSync(file, 'utf8'));
      const [c, h, w] = analysis.input;
      const image = join(root, `${analysis.name}.png`);
      writeFileSync(image, encodePng({ width: w, height: h, channels: c === 1 ? 1 : 3, data: Uint8Array.from({ length: w * h * (c === 1 ? 1 : 3) }, (_, k) => (k * 37) % 251) }));
      const predictions = await Promise.all([runDir, imported].map(async (run) => JSON.parse((await cli(runPredict, run, image, '--json', '--backend', 'wasm')).out)));
      assert.deepEqual(predictions[1].probabilities, predictions[0].probabilities);
      assert.deepEqual(predictions[1].predictions, predictions[0].predictions);
    });
  }

  it('refuses weights that do not fit the model, naming the parameter, its layer and line', async () => {
    const { dir } = await exportedRun(join(FIXTURES, 'graph-merges.cnn.yaml'));
    const other = join(root, 'other.cnn.yaml');
    writeFileSync(other, readFileSync(join(FIXTURES, 'graph-merges.cnn.yaml'), 'utf8').replace('Linear(6, 3)', 'Linear(6, 4)'));
    const r = await cli(runImport, join(dir, 'weights.pth'), '--model', other, '--out', join(root, 'refused'));
    assert.equal(r.status, 1);
    assert.match(r.err, /weights\.pth does not fit .*other\.cnn\.yaml.*\d+\.weight has shape \[3,6\], the model file needs \[4,6\] \(Linear at line \d+\)/);
    const longer = join(root, 'longer.cnn.yaml');
    writeFileSync(longer, `${readFileSync(join(FIXTURES, 'graph-merges.cnn.yaml'), 'utf8').trimEnd()}\n  - Linear(3, 2)\n`);
    const missing = await cli(runImport, join(dir, 'weights.pth'), '--model', longer);
    assert.equal(missing.status, 1);
    assert.match(missing.err, /missing (\d+)\.weight \(Linear at line \d+\); missing \1\.bias/);
    const tiny = join(root, 'tiny.cnn.yaml');
    writeFileSync(tiny, 'name: tiny\ninput: [2, 8, 8]\nlayers: [Flatten(), Linear(128, 3)]\n');
    const names = await cli(runImport, join(dir, 'weights.pth'), '--model', tiny);
    assert.equal(names.status, 1);
    assert.match(names.err, /1\.weight has shape \[4,4,1,1\], the model file needs \[3,128\] \(Linear at line 3\);.* unexpected 0\.weight, 0\.bias, .* and 14 more/);
  });

  it('reads state_dicts PyTorch writes (DistributedDataParallel prefix included) and refuses a pickled module without running it', { skip: !HAS_TORCH && 'python3 with torch is not installed' }, async () => {
    const model = join(root, 'lin.cnn.yaml');
    writeFileSync(model, 'name: lin\ninput: [4]\nlayers: [Linear(4, 3), BatchNorm1d(3)]\n');
    const script = [
      'import sys, torch',
      'from torch import nn',
      'torch.manual_seed(0)',
      'm = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))',
      'm[1].running_mean.uniform_(); m[1].num_batches_tracked += 5',
      'torch.save({"module." + k: v for k, v in m.state_dict().items()}, sys.argv[1] + "/ddp.pth")',
      'torch.save(m, sys.argv[1] + "/module.pth")',
      'print(m[0].weight[1, 2].item(), m[1].running_mean[0].item())',
    ].join('\n');
    const py = spawnSync(PYTHON, ['-c', script, root], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const [weight12, mean0] = py.stdout.trim().split(' ').map(Number);
    const ok = await cli(runImport, join(root, 'ddp.pth'), '--model', model, '--out', join(root, 'torch-runs'), '--json');
    assert.equal(ok.status, 0, ok.err);
    const weights = await readCheckpointWeights(join(JSON.parse(ok.out).runDir, 'best'));
    const linear = weights.find((w) => w.name === 'layer1.weight');
    // Engine layout [in, out]: torch's weight[1, 2] (out 1, in 2) is at [2, 1].
    assert.ok(linear && Math.abs(linear.values[2 * 3 + 1] - weight12) < 1e-7);
    assert.ok(Math.abs((weights.find((w) => w.name === 'layer2.running_mean')?.values[0] ?? NaN) - mean0) < 1e-7);
    assert.equal(weights.find((w) => w.name === 'layer2.num_batches_tracked')?.values[0], 5);
    const refused = await cli(runImport, join(root, 'module.pth'), '--model', model);
    assert.equal(refused.status, 1);
    assert.match(refused.err, /module\.pth is not a PyTorch state_dict this reader accepts/);
  });
});

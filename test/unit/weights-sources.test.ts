/**
 * Weight sources beyond .pth/.safetensors (src/weights/sources): one of our runs (the run folder, or its best/ or
 * last/ checkpoint) read as a state_dict with PyTorch's names and layouts, so that it starts or replaces the
 * weights of a model file as a torchvision file would; and --weights on evaluate and inspect. A tiny run trained by
 * the engine in this test (seconds).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runEvaluate } from '../../src/cli/evaluate';
import { runInspect } from '../../src/cli/inspect';
import { runPredict } from '../../src/cli/predict';
import { analyzeModel } from '../../src/model';
import { stateKeys } from '../../src/model/stateKeys';
import { readWeights, WEIGHT_SOURCES } from '../../src/weights/sources/registry';
import { tensorValues } from '../../src/weights/stateDict';
import { tinyModel, trainTinyRun, type TrainedRun } from './inspect-fixture';

let fixture: TrainedRun;
before(async () => {
  fixture = await trainTinyRun();
});
after(() => fixture && rmSync(fixture.root, { recursive: true, force: true }));

async function cli(run: typeof runPredict, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const captured = { stdout: '', stderr: '' };
  const status = await run([...args, '--backend', 'wasm'], { out: (t) => void (captured.stdout += t), err: (t) => void (captured.stderr += t) });
  return { status, ...captured };
}

describe('a run as weights', () => {
  it('is a state_dict with the model file\'s keys and torch\'s shapes, from the run folder or a checkpoint', () => {
    const expected = stateKeys(analyzeModel(tinyModel()).layers).map((k) => [k.key, k.shape]);
    for (const path of [fixture.runDir, join(fixture.runDir, 'best'), join(fixture.runDir, 'last')]) {
      const sd = readWeights(path);
      assert.deepEqual([...sd].map(([k, t]) => [k, t.shape]), expected, path);
    }
    // The first convolution, torch's [out, in, kh, kw]: its values are the checkpoint's, transposed.
    const conv = readWeights(fixture.runDir).get('0.weight')!;
    assert.deepEqual(conv.shape, [6, 1, 3, 3]);
    assert.ok(tensorValues(conv).some((v) => v !== 0));
  });

  it('gives a model file the run\'s predictions (cnnlab predict MODEL --weights RUN)', { timeout: 120_000 }, async () => {
    const modelPath = join(fixture.root, 'tiny.cnn.yaml');
    const image = fixture.images[0].file;
    const fromRun = await cli(runPredict, fixture.runDir, image, '--json');
    const fromFile = await cli(runPredict, modelPath, image, '--weights', join(fixture.runDir, 'best'), '--json');
    assert.equal(fromRun.status, 0, fromRun.stderr);
    assert.equal(fromFile.status, 0, fromFile.stderr);
    const a = JSON.parse(fromRun.stdout) as { logits: number[] };
    const b = JSON.parse(fromFile.stdout) as { logits: number[]; weights: string };
    assert.equal(b.weights, join(fixture.runDir, 'best'));
    a.logits.forEach((v, i) => assert.ok(Math.abs(v - b.logits[i]) <= 1e-5 * Math.max(1, Math.abs(v)), `logit ${i}: ${v} vs ${b.logits[i]}`));
  });

  it('refuses a folder that is not a run, naming it and the kinds it accepts', () => {
    const empty = join(fixture.root, 'not-a-run');
    mkdirSync(empty, { recursive: true });
    assert.throws(() => readWeights(empty), (err: Error) => {
      assert.equal(err.message, `${empty} holds no weights CNN Lab can read: expected ${WEIGHT_SOURCES.map((s) => s.what).join(', or ')}`);
      return true;
    });
  });

  it('refuses a checkpoint whose run has no model snapshot', () => {
    const lone = join(fixture.root, 'lone');
    mkdirSync(join(lone, 'best'), { recursive: true });
    for (const f of ['model.json', 'weights.bin']) writeFileSync(join(lone, 'best', f), readFileSync(join(fixture.runDir, 'best', f)));
    assert.throws(() => readWeights(join(lone, 'best')), new RegExp(`${join(lone, 'best')} is a checkpoint without its run's model\\.cnn\\.yaml next to it`));
  });
});

describe('--weights on evaluate and inspect', () => {
  it('evaluate RUN --weights W evaluates those weights and leaves the run\'s summary as it was', { timeout: 120_000 }, async () => {
    const summary = join(fixture.runDir, 'summary.json');
    const before = readFileSync(summary, 'utf8');
    const recorded = JSON.parse(before) as { test: { accuracy: number } };
    const r = await cli(runEvaluate, fixture.runDir, '--weights', join(fixture.runDir, 'best'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { testAccuracy: number; weights: string };
    assert.equal(out.weights, join(fixture.runDir, 'best'));
    assert.equal(out.testAccuracy, recorded.test.accuracy);
    assert.equal(readFileSync(summary, 'utf8'), before);
    const text = await cli(runEvaluate, fixture.runDir, '--weights', join(fixture.runDir, 'best'));
    assert.doesNotMatch(text.stdout, /written to/);
  });

  it('names a missing weights path (exit 2) and a file that is no weights (exit 1)', async () => {
    const missing = join(fixture.root, 'nope.pth');
    const r = await cli(runEvaluate, fixture.runDir, '--weights', missing);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`cnnlab evaluate: .*${missing}`));
    const notWeights = await cli(runInspect, fixture.runDir, '--image', fixture.images[0].file, '--out', join(fixture.root, 'x'), '--weights', fixture.images[0].file);
    assert.equal(notWeights.status, 1);
    assert.match(notWeights.stderr, new RegExp(`cnnlab inspect: ${fixture.images[0].file} .*not a PyTorch state_dict`));
  });

  it('inspect RUN --weights W draws with those weights and records them in index.json', { timeout: 120_000 }, async () => {
    const out = join(fixture.root, 'inspected');
    const r = await cli(runInspect, fixture.runDir, '--image', fixture.images[0].file, '--out', out, '--views', 'feature-maps', '--weights', join(fixture.runDir, 'last'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { weights: string; files: unknown[] };
    assert.equal(index.weights, join(fixture.runDir, 'last'));
    assert.ok(index.files.length > 0 && statSync(out).isDirectory());
  });
});

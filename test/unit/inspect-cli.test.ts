/**
 * `cnnlab predict`, `cnnlab inspect` and `cnnlab evaluate` on a run trained by the engine in this test (shapes,
 * seconds); a model's runs folder stands for its latest run.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { commands } from '../../src/cli/commands';
import { runEvaluate } from '../../src/cli/evaluate';
import { runInspect } from '../../src/cli/inspect';
import { runPredict } from '../../src/cli/predict';
import { decodePngRgba } from '../../src/inspect/image/png';
import { inputFromFile } from '../../src/inspect/network/input';
import { predict } from '../../src/inspect/network/predict';
import { openRun } from '../../src/inspect/network/runModel';
import { initBackend } from '../../src/trainer/backend/index';
import { evaluateRun } from '../../src/trainer/engine/evaluateRun';
import { SHAPE_CLASSES } from '../../src/trainer/datasets/shapes';
import { runTraining } from '../../src/trainer/engine/session';
import { solidPng } from '../fixtures/datasets/generate';
import { trainTinyRun, type TrainedRun } from './inspect-fixture';

let fixture: TrainedRun;
before(async () => {
  fixture = await trainTinyRun();
});
after(() => fixture && rmSync(fixture.root, { recursive: true, force: true }));

/** Runs the real `cnnlab` binary (slow to start: used once, end to end). */
function cliProcess(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', cwd: join(__dirname, '../..') });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command in this process, capturing what it writes. */
async function cli(name: 'predict' | 'inspect' | 'evaluate', ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const captured = { stdout: '', stderr: '' };
  const io = { out: (t: string) => void (captured.stdout += t), err: (t: string) => void (captured.stderr += t) };
  const status = await { predict: runPredict, inspect: runInspect, evaluate: runEvaluate }[name](args, io);
  return { status, ...captured };
}

it('the three commands are registered', () => {
  assert.deepEqual(commands.filter((c) => ['predict', 'inspect', 'evaluate'].includes(c.name)).map((c) => c.name).sort(), ['evaluate', 'inspect', 'predict']);
});

/**
 * A copy of the trained run as a later run of the same model, as a stopped run leaves it: no test figures and no
 * predictions in its folder; plus a key this version does not know, which evaluate must keep. Returns its folder.
 */
function stoppedCopy(stamp: string): string {
  const copy = join(dirname(fixture.runDir), stamp);
  cpSync(fixture.runDir, copy, { recursive: true });
  for (const f of ['predictions.json', 'predictions.bin']) rmSync(join(copy, f), { force: true });
  const summary = JSON.parse(readFileSync(join(copy, 'summary.json'), 'utf8'));
  writeFileSync(join(copy, 'summary.json'), JSON.stringify({ ...summary, status: 'stopped', test: null, note: 'kept' }));
  return copy;
}

describe('cnnlab evaluate', () => {
  it("writes the test figures of a stopped run's checkpoint into its summary: the training's own test pass", async () => {
    const trained = JSON.parse(readFileSync(join(fixture.runDir, 'summary.json'), 'utf8'));
    const copy = stoppedCopy('2999-01-01_00-00-00');
    try {
      // The model's runs folder stands for its latest run, and says so on stderr.
      const r = await cli('evaluate', dirname(fixture.runDir), '--checkpoint', 'best', '--json', '--backend', 'wasm');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`using the latest run in .*: ${copy}`));
      const out = JSON.parse(r.stdout.trim());
      assert.equal(out.checkpoint, 'best');
      assert.equal(out.testAccuracy, trained.test.accuracy);
      assert.ok(Math.abs(out.testLoss - trained.test.loss) < 1e-5, `${out.testLoss} vs ${trained.test.loss}`);
      const summary = JSON.parse(readFileSync(join(copy, 'summary.json'), 'utf8'));
      assert.deepEqual(summary.test.confusion, trained.test.confusion);
      assert.equal(summary.testCheckpoint, 'best');
      assert.equal(summary.note, 'kept');
      assert.equal(summary.status, 'stopped');
      for (const key of Object.keys(trained)) assert.ok(key in summary, `summary.json lost ${key}`);
      // The confusion matrix's thumbnails, as training writes them.
      assert.deepEqual(JSON.parse(readFileSync(join(copy, 'predictions.json'), 'utf8')).truth, JSON.parse(readFileSync(join(fixture.runDir, 'predictions.json'), 'utf8')).truth);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('stops when cancelled, leaving the run as it was', async () => {
    const copy = stoppedCopy('2999-01-02_00-00-00');
    try {
      const before = readFileSync(join(copy, 'summary.json'), 'utf8');
      const { tf } = await initBackend('wasm');
      const cancel = new AbortController();
      cancel.abort();
      await assert.rejects(evaluateRun(tf, { runDir: copy }, { signal: cancel.signal }), /cancelled/);
      assert.equal(readFileSync(join(copy, 'summary.json'), 'utf8'), before);
      assert.ok(!existsSync(join(copy, 'predictions.json')));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('explains a run without checkpoints (1) and usage problems (2)', async () => {
    const empty = join(fixture.root, 'runs', 'not-trained', '2026-01-01_00-00-00');
    mkdirSync(empty, { recursive: true });
    cpSync(join(fixture.runDir, 'model.cnn.yaml'), join(empty, 'model.cnn.yaml'));
    cpSync(join(fixture.runDir, 'summary.json'), join(empty, 'summary.json'));
    const r = await cli('evaluate', empty, '--backend', 'wasm');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /has no best\/ checkpoint yet|has no last\/ checkpoint yet/);
    assert.equal((await cli('evaluate')).status, 2);
    assert.equal((await cli('evaluate', fixture.runDir, '--checkpoint', 'worst')).status, 2);
    assert.equal((await cli('evaluate', join(fixture.root, 'nowhere'))).status, 2);
  });

  it('--max-image-pixels bounds the test images it decodes, as in train and predict', async () => {
    const root = join(fixture.root, 'pixels');
    for (const [name, shade] of [['dark', 20], ['light', 220]] as const) {
      mkdirSync(join(root, 'images', name), { recursive: true });
      for (let i = 0; i < 6; i++) writeFileSync(join(root, 'images', name, `${i}.png`), solidPng(6, 5, [shade, shade, shade]));
    }
    const modelText = `name: pixels\ninput: [1, 4, 4]\nlayers:\n  - Flatten()\n  - Linear(16, 2)\ndata: { dataset: imagefolder, path: ${join(root, 'images')}, validation_split: 0 }\ntrain: { epochs: 1, batch_size: 4, seed: 1 }\n`;
    const { runDir } = await runTraining({ modelText, outDir: join(root, 'runs'), backend: 'cpu', cacheDir: join(root, 'cache') }, { onEvent: () => undefined });
    // Fitted images are cached: without the cache, evaluate decodes the files again.
    rmSync(join(root, 'cache'), { recursive: true, force: true });
    const refused = await cli('evaluate', runDir, '--max-image-pixels', '29', '--backend', 'wasm');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /is a 6×5 PNG image \(30 pixels\), more than the 29 pixels allowed/);
    const r = await cli('evaluate', runDir, '--max-image-pixels', '30', '--backend', 'wasm');
    assert.equal(r.status, 0, r.stderr);
  });
});

describe('cnnlab predict', () => {
  it('prints the top-k classes with --json, consistent with the in-process prediction', async () => {
    const image = fixture.images[0].file;
    const r = cliProcess('predict', fixture.runDir, image, '--top-k', '2', '--json', '--backend', 'wasm');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    assert.equal(out.checkpoint, 'best');
    assert.equal(out.predictions.length, 2);
    assert.ok(out.predictions.every((p: { class: string }) => SHAPE_CLASSES.includes(p.class)));
    assert.ok(out.predictions[0].probability >= out.predictions[1].probability);
    const { tf } = await initBackend('wasm');
    const run = await openRun(tf, fixture.runDir);
    const mine = await predict(run, await inputFromFile(image, run.preprocessing), 2);
    run.dispose();
    assert.equal(mine[0].className, out.predictions[0].class);
    assert.ok(Math.abs(mine[0].probability - out.predictions[0].probability) < 1e-5);
    // Every class's logit and probability, in class order: probabilities are the softmax of the logits.
    assert.equal(out.logits.length, SHAPE_CLASSES.length);
    assert.equal(out.probabilities.length, SHAPE_CLASSES.length);
    const exps = out.logits.map((z: number) => Math.exp(z - Math.max(...out.logits)));
    const total = exps.reduce((a: number, b: number) => a + b, 0);
    exps.forEach((e: number, i: number) => assert.ok(Math.abs(e / total - out.probabilities[i]) < 1e-5));
    for (const p of out.predictions) assert.ok(Math.abs(out.probabilities[p.index] - p.probability) < 1e-7);
  });

  it('given a model\'s runs folder, uses its latest run with a checkpoint and says so in one line', async () => {
    const modelDir = dirname(fixture.runDir);
    // A newer run that has no checkpoint yet (just started) is passed over.
    const fresh = join(modelDir, '2999-12-31_00-00-00');
    mkdirSync(fresh);
    writeFileSync(join(fresh, 'config.json'), '{}');
    try {
      const r = await cli('predict', modelDir, fixture.images[1].file, '--backend', 'wasm');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, `cnnlab predict: using the latest run in ${modelDir}: ${fixture.runDir}\n`);
      assert.equal(basename(fixture.runDir), r.stderr.trim().split('/').pop());
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('prints a readable table by default', async () => {
    const r = await cli('predict', fixture.runDir, fixture.images[1].file, '--backend', 'wasm');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^1\. \w+\s+\d+\.\d\d%$/);
  });

  it('explains usage and input problems with exit statuses 2 and 1', async () => {
    const usage = await cli('predict', fixture.runDir);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /expected a run folder and an image file/);
    assert.equal((await cli('predict', fixture.runDir, join(fixture.root, 'missing.png'))).status, 2);
    const notRun = await cli('predict', fixture.root, fixture.images[0].file, '--backend', 'wasm');
    assert.equal(notRun.status, 1);
    assert.match(notRun.stderr, /is not a run folder/);
    const notImage = await cli('predict', fixture.runDir, join(fixture.root, 'tiny.cnn.yaml'), '--backend', 'wasm');
    assert.equal(notImage.status, 1);
    assert.match(notImage.stderr, /neither a PNG nor a JPEG/);
  });
});

describe('cnnlab inspect', () => {
  it('writes feature maps per layer, filters, saliency and occlusion as valid PNGs', async () => {
    const out = join(fixture.root, 'inspection');
    const r = await cli('inspect', fixture.runDir, '--image', fixture.images[0].file, '--out', out, '--class', 'square', '--patch', '5', '--stride', '3', '--backend', 'wasm', '--json');
    assert.equal(r.status, 0, r.stderr);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    assert.equal(index.className, 'square');
    assert.deepEqual(index.occlusion.patch, 5);
    const files: Array<{ file: string; layer?: number }> = index.files;
    // 10 layers → 10 feature-map grids; 2 Conv2d → 2 filter grids; + input, saliency, occlusion and the default visualisations.
    assert.equal(files.filter((f) => f.file.startsWith('feature-maps/')).length, 10);
    assert.deepEqual(files.filter((f) => f.file.startsWith('filters/')).map((f) => f.layer), [1, 4]);
    const expected = ['input.png', 'saliency.png', 'occlusion.png', 'gradcam.png', 'guided-backprop.png', 'guided-gradcam.png', 'erf-theoretical.png', 'erf-effective.png', 'embedding-pca.png', 'embedding-tsne.png'];
    for (const name of expected) assert.ok(files.some((f) => f.file === name), name);
    assert.deepEqual(index.skipped, []);
    assert.equal(files.find((f) => f.file === 'gradcam.png')?.layer, 5);
    assert.match(index.target, /score of 'square'/);
    // index.html shows every picture with its caption.
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    for (const f of files) assert.ok(html.includes(`<img src="${f.file}"`), `index.html lacks ${f.file}`);
    for (const f of files) {
      const png = decodePngRgba(readFileSync(join(out, f.file)));
      assert.ok(png.width > 0 && png.height > 0, f.file);
    }
    // The first conv layer has 6 channels of 20×20, drawn ×3 in a 3×2 grid with 3-pixel gaps.
    const conv = decodePngRgba(readFileSync(join(out, 'feature-maps/layer01-Conv2d.png')));
    assert.deepEqual([conv.width, conv.height], [3 * 60 + 2 * 3, 2 * 60 + 3]);
    assert.equal(JSON.parse(r.stdout.trim()).files.length, files.length);
  });

  it('--views chooses the views, --layer the layer; an unknown view is a usage error naming the valid ones', async () => {
    const out = join(fixture.root, 'chosen');
    const r = await cli('inspect', fixture.runDir, '--image', fixture.images[1].file, '--out', out, '--views', 'gradcam,smoothgrad,integrated-gradients,deconvnet,activation-max', '--layer', '2', '--backend', 'wasm', '--json');
    assert.equal(r.status, 0, r.stderr);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    assert.deepEqual(index.files.map((f: { file: string }) => f.file), ['input.png', 'gradcam.png', 'smoothgrad.png', 'integrated-gradients.png', 'deconvnet.png', 'activation-max.png']);
    assert.equal(index.occlusion, null);
    assert.ok(index.files.filter((f: { layer?: number }) => f.layer !== undefined).every((f: { layer: number }) => f.layer === 2));
    const bad = await cli('inspect', fixture.runDir, '--image', fixture.images[1].file, '--out', out, '--views', 'gradcam,heatmap');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown view 'heatmap' in --views; --views: any of feature-maps, .*gradcam/);
  });

  it('rejects an unknown class and missing options', async () => {
    const r = await cli('inspect', fixture.runDir, '--image', fixture.images[0].file, '--out', join(fixture.root, 'x'), '--class', 'hexagon', '--backend', 'wasm');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--class hexagon is not a class of this run \(circle/);
    assert.equal((await cli('inspect', fixture.runDir, '--out', 'x')).status, 2);
    assert.ok(!existsSync(join(fixture.root, 'x', 'index.json')));
  });
});

describe('a damaged best/ checkpoint', () => {
  it('falls back to a valid last/ with a warning, unless best/ was asked for', async () => {
    const copy = join(fixture.root, 'damaged-best');
    cpSync(fixture.runDir, copy, { recursive: true });
    const weights = join(copy, 'best', 'weights.bin');
    writeFileSync(weights, readFileSync(weights).subarray(0, 100));
    const r = await cli('predict', copy, fixture.images[0].file, '--backend', 'wasm', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).checkpoint, 'last');
    assert.match(r.stderr, /^warning: .*best cannot be loaded \(.*weights\.bin has 100 bytes.*\); using last\/ instead$/m);
    const asked = await cli('predict', copy, fixture.images[0].file, '--backend', 'wasm', '--checkpoint', 'best');
    assert.equal(asked.status, 1);
    assert.match(asked.stderr, /cannot load .*best: .*damaged/);
  });
});

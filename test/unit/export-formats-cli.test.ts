/**
 * `cnnlab export RUN --format onnx|tfjs|web-app` on run folders: the contract of the issue (onnxruntime's
 * probabilities for a picture equal `cnnlab predict --json`'s within 1e-4), what the folders hold, and the errors
 * for what a format cannot take.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-web';
import { PNG } from 'pngjs';
import { runExport } from '../../src/cli/export';
import { runPredict } from '../../src/cli/predict';
import { EXPORT_FORMATS } from '../../src/export/registry';
import { readExportSource } from '../../src/export/source';
import { inputFromFile } from '../../src/inspect/network/input';
import { inspectableModel } from '../../src/inspect/network/runModel';
import { initBackend } from '../../src/trainer/backend';
import type { ModelAnalysis } from '../../src/model/types';
import type { TF } from '../../src/trainer/engine/tf';
import { python, pythonHas } from '../fixtures/python';
import { analyze } from './engine-fixtures';
import { untrainedRun } from './export-fixtures';
import { maxAbsDiff, relayout } from './export-graph-cases';

const ROOT = join(__dirname, '../..');

function capture(): { io: { out(t: string): void; err(t: string): void }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { out: (t) => void (out += t), err: (t) => void (err += t) }, out: () => out, err: () => err };
}

describe('cnnlab export --format onnx | tfjs | web-app', () => {
  let tf: TF;
  let root: string;
  before(async () => {
    tf = (await initBackend('cpu')).tf;
    ort.env.wasm.numThreads = 1;
    root = mkdtempSync(join(tmpdir(), 'cnnlab-export-formats-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  /** An untrained run of examples/<name>, its model freed (the export reads the checkpoint). */
  async function exampleRun(name: string): Promise<{ runDir: string; analysis: ModelAnalysis }> {
    const text = readFileSync(join(ROOT, 'examples', name), 'utf8');
    const analysis = analyze(text);
    const { runDir, model } = await untrainedRun(tf, analysis, text, join(root, 'runs'));
    model.dispose();
    return { runDir, analysis };
  }

  it("onnx: onnxruntime's probabilities for a picture equal cnnlab predict --json's within 1e-4", async () => {
    const text = readFileSync(join(ROOT, 'examples', 'fashion-bn-augment.cnn.yaml'), 'utf8');
    const analysis = analyze(text);
    const { runDir, model } = await untrainedRun(tf, analysis, text, join(root, 'runs'));
    const image = join(root, 'picture.png');
    const png = new PNG({ width: 40, height: 33 });
    for (let i = 0; i < png.data.length; i++) png.data[i] = i % 4 === 3 ? 255 : (i * 37) % 256;
    writeFileSync(image, PNG.sync.write(png));
    const file = join(root, 'out', 'model.onnx');
    const exported = capture();
    assert.equal(await runExport([runDir, '--format', 'onnx', '--out', file], exported.io), 0, exported.err());
    const predicted = capture();
    assert.equal(await runPredict([runDir, image, '--json', '--backend', 'cpu'], predicted.io), 0, predicted.err());
    const { probabilities } = JSON.parse(predicted.out()) as { probabilities: number[] };
    const input = await inputFromFile(image, inspectableModel(tf, analysis, model).preprocessing);
    model.dispose();
    const session = await ort.InferenceSession.create(readFileSync(file));
    const out = await session.run({ input: new ort.Tensor('float32', relayout(input.x, 1, analysis.input, 'nchw'), [1, ...analysis.input]) });
    await session.release();
    const diff = maxAbsDiff(out.probabilities.data as Float32Array, probabilities);
    assert.ok(diff <= 1e-4, `probabilities differ by ${diff}`);
    assert.match(exported.out(), /model\.onnx/);
    assert.match(exported.out(), /NCHW/);
  });

  it('onnx: the classes and the preprocessing are in the metadata', { skip: !pythonHas('onnx') && 'python3-onnx is not installed' }, async () => {
    const { runDir, analysis } = await exampleRun('cifar-cnn.cnn.yaml');
    const file = join(root, 'cifar.onnx');
    assert.equal(await runExport([runDir, '--format', 'onnx', '--out', file], capture().io), 0);
    const script = 'import sys, json, onnx\nm = onnx.load(sys.argv[1])\nprint(json.dumps({p.key: p.value for p in m.metadata_props}))';
    const props = JSON.parse(execFileSync(python, ['-c', script, file], { encoding: 'utf8' })) as Record<string, string>;
    assert.deepEqual(JSON.parse(props.classes), analysis.classes);
    assert.match(props.preprocessing, /RGB/);
    assert.match(props.preprocessing, /Normalize\(\(0\.4914, /);
    assert.deepEqual(JSON.parse(props.cnnlab).input, { name: 'input', layout: 'NCHW', shape: analysis.input });
  });

  it('tfjs: model.json and weights.bin, with the classes in userDefinedMetadata', async () => {
    const { runDir, analysis } = await exampleRun('lenet5.cnn.yaml');
    const dir = join(root, 'lenet-tfjs');
    assert.equal(await runExport([runDir, '--format', 'tfjs', '--out', dir], capture().io), 0);
    assert.deepEqual(readdirSync(dir).sort(), ['model.json', 'weights.bin']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    assert.equal(json.format, 'graph-model');
    assert.deepEqual(json.userDefinedMetadata.classes, analysis.classes);
    assert.deepEqual(json.userDefinedMetadata.input, { name: 'input', layout: 'NHWC', shape: [28, 28, 1] });
  });

  it('web-app: a page, its script and the model, nothing fetched from elsewhere', async () => {
    const { runDir } = await exampleRun('shapes.cnn.yaml');
    const dir = join(root, 'shapes-app');
    assert.equal(await runExport([runDir, '--format', 'web-app', '--out', dir], capture().io), 0);
    assert.deepEqual(readdirSync(dir).sort(), ['app.js', 'index.html', 'model', 'style.css']);
    assert.deepEqual(readdirSync(join(dir, 'model')).sort(), ['model.json', 'weights.bin']);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /https?:\/\//, 'no remote content');
    assert.match(html, /<script src="app\.js"><\/script>/);
  });

  it('web-app: a reconstruction model is refused in words (exit 1)', async () => {
    const { runDir } = await exampleRun('conv-autoencoder.cnn.yaml');
    const io = capture();
    assert.equal(await runExport([runDir, '--format', 'web-app', '--out', join(root, 'ae-app')], io.io), 1);
    assert.match(io.err(), /web-app shows the top-k classes.*reconstruction model has no classes/);
  });

  it("each format names the file the editor's Open shows: a text file it wrote, none for a binary export", async () => {
    const { runDir } = await exampleRun('lenet5.cnn.yaml');
    const opened: Record<string, string | undefined> = {};
    for (const format of EXPORT_FORMATS) {
      const out = join(root, `lenet-open-${format.name}${format.out === 'file' ? `.${format.name}` : ''}`);
      const result = await format.write(await readExportSource(runDir), out);
      opened[format.name] = result.open?.slice(out.length + 1);
      if (result.open === undefined) continue;
      assert.ok(result.files.includes(result.open), `${format.name}: ${result.open} is one of the files written`);
      assert.ok(!readFileSync(result.open).includes(0), `${format.name}: ${result.open} is text`);
    }
    assert.deepEqual(opened, { pytorch: 'README.md', onnx: undefined, tfjs: 'model.json', 'web-app': 'index.html' });
  });
});

/**
 * task: detection: the model file (DetectionHead's shape, parameters and state_dict against the exported PyTorch
 * module, the task's diagnostics), the engine's head (class biases at the 1% prior), the task's targets and its
 * evaluation, and a short training on shapes scenes that raises the validation mAP and writes the worst images.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { analyzeModel } from '../../src/model';
import { encodePng } from '../../src/inspect/image/png';
import { drawBoxes } from '../../src/inspect/network/detectionPrediction';
import { classCss, classRgb } from '../../src/protocol/classPalette';
import { boxColours } from '../../media/training/boxOverlay';
import { stateKeys } from '../../src/model/stateKeys';
import { modelPy } from '../../src/export/pytorch/modelPy';
import { isDetectionWorst } from '../../src/protocol/detectionWorst';
import { generateShapeScenes, labelScenesByShape } from '../../src/trainer/datasets/shapeScenes';
import { batches } from '../../src/trainer/datasets/batches';
import { buildModel } from '../../src/trainer/engine/model';
import { runTraining } from '../../src/trainer/engine/session';
import type { TF } from '../../src/trainer/engine/tf';
import { RUN_FILES } from '../../src/trainer/runs/store';
import { createTask } from '../../src/trainer/tasks/registry';
import { python, pythonHas } from '../fixtures/python';
import { cpuTf } from './engine-fixtures';

let tf: TF;
before(async () => {
  tf = await cpuTf();
});

const DET = (head = '  - DetectionHead(16, 5)', extra = '') => `task: detection
input: [1, 32, 32]
layers:
  - Conv2d(1, 16, 3, padding=1)
  - ReLU()
  - MaxPool2d(4)
${head}
data: { dataset: shapes }
${extra}`;
const diag = (text: string) => analyzeModel(text).diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.severity} ${d.code}`);

describe('detection in the model file', () => {
  it('shapes names the five shapes; DetectionHead outputs [classes + 5, H, W]; the loss defaults to fcos', () => {
    const a = analyzeModel(DET());
    assert.deepEqual(diag(DET()), []);
    assert.deepEqual(a.classes, ['circle', 'square', 'triangle', 'cross', 'ring']);
    assert.equal(a.train.loss, 'fcos');
    const head = a.layers[a.layers.length - 1];
    assert.deepEqual(head.outputShape, [10, 8, 8]);
    assert.equal(head.params, 10 * (16 * 9 + 1));
    assert.equal(head.jump, 4, 'stride 4');
    assert.deepEqual(stateKeys([head]).map((k) => [k.key.replace(/^\d+\./, ''), k.shape]), [['weight', [10, 16, 3, 3]], ['bias', [10]]]);
    assert.deepEqual(analyzeModel(DET('  - DetectionHead(num_classes=5)')).layers.at(-1)?.args, { in_channels: 16, num_classes: 5, score_thresh: 0.05, nms_thresh: 0.6, topk_candidates: 1000, detections_per_img: 100 }, 'in_channels inferred, decoding at its defaults');
  });

  it('a model that does not end with DetectionHead, or whose map does not divide the input, is an error', () => {
    assert.ok(diag(DET('  - Conv2d(16, 10, 3, padding=1)')).includes('error output-not-detection'));
    const odd = `task: detection\ninput: [1, 30, 30]\nlayers:\n  - Conv2d(1, 8, 3, stride=4)\n  - DetectionHead(8, 5)\ndata: { dataset: shapes }\n`;
    const d = analyzeModel(odd).diagnostics.find((x) => x.code === 'output-not-detection');
    assert.match(d?.message ?? '', /7×7 map must divide the 30×30 input/);
  });

  it('num_classes that differs from the classes is a warning with a fix; wrong losses, best metrics and datasets are errors', () => {
    const d = analyzeModel(DET('  - DetectionHead(16, 4)')).diagnostics.find((x) => x.code === 'classes-mismatch');
    assert.match(d?.message ?? '', /predicts 4 classes but shapes has 5/);
    assert.equal(d?.fixes?.[0].newText, '5');
    assert.ok(diag(DET(undefined, 'train: { loss: cross_entropy }')).includes('error loss-not-for-task'));
    assert.deepEqual(diag(DET(undefined, 'train: { best: val_map50 }')), []);
    assert.ok(diag(DET(undefined, 'train: { best: val_miou }')).includes('error best-not-for-task'));
    assert.ok(diag(DET().replace('dataset: shapes', 'dataset: mnist')).includes('error dataset-input'));
  });
});

describe('DetectionHead against its PyTorch module', { skip: !pythonHas('torch') && 'needs /usr/bin/python3 with torch' }, () => {
  it('model.py builds the same parameters and state_dict shapes, class biases at −log(99)', () => {
    const text = readFileSync(join(__dirname, '../../examples/detector-shapes.cnn.yaml'), 'utf8');
    const a = analyzeModel(text);
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-det-py-'));
    try {
      writeFileSync(join(dir, 'model.py'), modelPy(a, a.classes, 'detector-shapes.cnn.yaml'));
      const out = execFileSync(python, ['-c', `import json, sys, torch; sys.path.insert(0, ${JSON.stringify(dir)}); import model
m = model.Model(); y = m.eval()(torch.zeros(2, *model.INPUT_SHAPE)); head = list(m.children())[-1]
print(json.dumps({"params": sum(p.numel() for p in m.parameters()), "shapes": [list(v.shape) for v in m.state_dict().values()], "out": list(y.shape), "bias": head.bias[:6].tolist()}))`], { encoding: 'utf8' });
      const torch = JSON.parse(out) as { params: number; shapes: number[][]; out: number[]; bias: number[] };
      assert.equal(torch.params, a.totals.params);
      assert.deepEqual(torch.shapes, stateKeys(a.layers).map((k) => k.shape));
      assert.deepEqual(torch.out, [2, ...a.outputShape]);
      for (const b of torch.bias.slice(0, 5)) assert.ok(Math.abs(b + Math.log(99)) < 1e-6, `class bias ${b}`);
      assert.ok(Math.abs(torch.bias[5]) < 1, 'box biases keep the default initialisation');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the detection task in the engine', () => {
  it('the head starts with its class biases at the 1% prior', () => {
    const a = analyzeModel(DET());
    const model = buildModel(tf, a.graph, 1);
    try {
      const bias = model.params.find((p) => p.name === `layer${a.layers.length}.bias`);
      const values = Array.from(bias?.variable.dataSync() ?? []);
      assert.equal(values.length, 10);
      for (const v of values.slice(0, 5)) assert.ok(Math.abs(v + Math.log(99)) < 1e-5);
      assert.ok(values.slice(5).every((v) => Math.abs(v) <= 1 / Math.sqrt(16 * 9)));
    } finally {
      model.dispose();
    }
  });

  it('packs each batch\'s boxes per location and evaluates the head\'s outputs into mAP', () => {
    const set = labelScenesByShape(generateShapeScenes(8, 32, 32, 1, 5));
    const task = createTask('detection', { loss: 'fcos', classes: ['circle', 'square', 'triangle', 'cross', 'ring'], outputShape: [10, 8, 8] });
    const [batch] = [...batches(set, { batchSize: 8, shuffle: false, seed: 0 })];
    const { input, target } = task.tensors(tf, batch, set);
    assert.deepEqual(input.shape, [8, 32, 32, 1]);
    assert.deepEqual(target.shape, [8, 8, 8, 11]);
    const t = target.dataSync();
    let positives = 0;
    for (let p = 10; p < t.length; p += 11) positives += t[p];
    assert.ok(positives >= 8 * 2, `every image has positive locations (${positives})`);
    tf.dispose([input, target]);
    // Background everywhere: no detection passes the threshold, AP 0 for every class with objects.
    const evaluation = task.evaluation(set);
    const outputs = new Float32Array(8 * 8 * 8 * 10).map((_, i) => (i % 10 < 5 || i % 10 === 9 ? -10 : 1));
    evaluation.add(batch, 0, outputs, 2);
    const result = evaluation.result();
    assert.equal(result.accuracy, null);
    assert.equal(result.loss, 2);
    assert.equal(result.detection?.map50, 0);
    assert.deepEqual(task.epochFields(result), { valMap50: 0, valMap: 0 });
    assert.deepEqual(task.epochFields(null), { valMap50: null, valMap: null });
  });
});

describe('training a detector', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cnnlab-det-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('raises the validation mAP on shapes scenes, reports mAP per epoch and writes the worst images', async () => {
    const model = `name: tiny-det
task: detection
input: [1, 32, 32]
layers:
  - Conv2d(1, 16, 3, padding=1)
  - BatchNorm2d(16)
  - ReLU()
  - MaxPool2d(2)
  - Conv2d(16, 32, 3, padding=1)
  - BatchNorm2d(32)
  - ReLU()
  - MaxPool2d(2)
  - Conv2d(32, 32, 3, padding=1)
  - BatchNorm2d(32)
  - ReLU()
  - DetectionHead(32, 5)
data: { dataset: shapes, train_samples: 600, test_samples: 100 }
train: { epochs: 4, batch_size: 16, lr: 0.003, optimizer: adam, seed: 3, best: val_map50 }
`;
    const maps: number[] = [];
    const { runDir, summary } = await runTraining({ modelText: model, outDir: dir, backend: 'wasm' }, {
      onEvent: (e) => {
        if (e.type === 'progress' && e.metrics.kind === 'epoch') maps.push(e.metrics.valMap50 ?? NaN);
      },
    });
    assert.equal(summary.status, 'done');
    assert.equal(maps.length, 4);
    // Measured: 0.08 after the first epoch, 0.6–0.7 after the fourth.
    assert.ok(Math.max(...maps.slice(1)) > maps[0] + 0.2, `val mAP@0.5 rises: ${maps.map((x) => x.toFixed(3)).join(' → ')}`);
    const det = summary.test?.detection;
    assert.ok(det && det.map50 !== null && det.map !== null, 'the test metrics carry mAP');
    assert.ok(det.map50 > 0.35, `test mAP@0.5 ${det.map50}`);
    assert.ok(det.map <= det.map50);
    assert.equal(summary.test?.accuracy, null);
    assert.equal(det.perClass.length, 5);
    assert.ok(det.perClass.every((c) => c.pr50.recall.length === 101 && c.pr50.precision.length === 101));
    const file = join(runDir, RUN_FILES.detectionWorst);
    assert.ok(existsSync(file));
    const worst = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    assert.ok(isDetectionWorst(worst), 'detection-worst.json is valid');
    assert.ok(worst.images.length > 0 && worst.images.length <= 16);
    const errors = worst.images.map((im) => im.missed.length + im.falseDetections.length);
    assert.deepEqual([...errors].sort((x, y) => y - x), errors, 'worst first');
  });
});

describe('cnnlab train and predict for detection', () => {
  let dir: string;
  let runDir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cnnlab-det-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cnnlab = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '../../src/cli.ts'), ...args], { encoding: 'utf8', cwd: join(__dirname, '../..') });

  it('--json keeps every key, sets testAccuracy to null and adds testMap50 and testMap; the epoch line shows val_map50', () => {
    const file = join(dir, 'det.cnn.yaml');
    writeFileSync(file, DET('  - DetectionHead(16, 5)', 'train: { epochs: 1, batch_size: 16, seed: 2 }').replace('dataset: shapes', 'dataset: shapes, train_samples: 100, test_samples: 20'));
    const r = cnnlab('train', file, '--backend', 'wasm', '--json');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    const keys = ['runDir', 'backend', 'epochs', 'trainSamples', 'samplesPerSecond', 'testAccuracy', 'testLoss', 'bestValLoss', 'status', 'error', 'task', 'testMap50', 'testMap'];
    assert.deepEqual(keys.filter((k) => !(k in result)), []);
    assert.equal(result.task, 'detection');
    assert.equal(result.testAccuracy, null);
    const summary = JSON.parse(readFileSync(join(result.runDir, 'summary.json'), 'utf8'));
    assert.equal(result.testMap50, summary.test.detection.map50);
    assert.equal(result.testMap, summary.test.detection.map);
    assert.match(r.stderr, /epoch 1: loss .* val_map50 \d\.\d{3} val_map \d\.\d{3}/);
    assert.match(r.stderr, /test mAP@0\.5 \d\.\d{3}, mAP@\[\.5:\.95\] \d\.\d{3}/);
    runDir = result.runDir;
  });

  it('predict --json prints boxes {class, score, x1, y1, x2, y2}; --out draws them', () => {
    assert.ok(runDir, 'the training test ran');
    const set = generateShapeScenes(1, 32, 32, 1, 9);
    const image = join(dir, 'scene.png');
    writeFileSync(image, encodePng({ width: 32, height: 32, channels: 1, data: set.images }));
    const out = join(dir, 'boxes.png');
    const r = cnnlab('predict', runDir, image, '--json', '--out', out, '--backend', 'wasm');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim());
    assert.equal(result.task, 'detection');
    assert.equal(result.out, out);
    assert.ok(Array.isArray(result.boxes));
    for (const b of result.boxes as Record<string, unknown>[]) {
      assert.deepEqual(Object.keys(b), ['class', 'score', 'x1', 'y1', 'x2', 'y2']);
      assert.ok(['circle', 'square', 'triangle', 'cross', 'ring'].includes(b.class as string));
      assert.ok((b.x1 as number) <= (b.x2 as number) && (b.y1 as number) <= (b.y2 as number));
    }
    const drawn = PNG.sync.read(readFileSync(out));
    assert.equal(drawn.width, 256, 'a 32-pixel input is drawn 8 times larger');
    assert.ok(result.boxes.every((b: { score: number }) => b.score > 0.3), 'shown from 0.3 by default');
    const low = cnnlab('predict', runDir, image, '--json', '--backend', 'wasm', '--score-threshold', '0.06', '--iou-threshold', '1');
    assert.equal(low.status, 0, low.stderr);
    const lowBoxes = JSON.parse(low.stdout.trim()).boxes as Array<{ score: number }>;
    assert.ok(lowBoxes.length >= result.boxes.length && lowBoxes.every((b) => b.score > 0.06), `${lowBoxes.length} boxes from 0.06`);
    const bad = cnnlab('predict', runDir, image, '--score-threshold', '2');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--score-threshold expects a number between 0 and 1, got 2/);
  });

  it('evaluate --json keeps its keys, testAccuracy null, and adds testMap50 and testMap as written into summary.json', () => {
    assert.ok(runDir, 'the training test ran');
    const r = cnnlab('evaluate', runDir, '--json', '--backend', 'wasm');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    const keys = ['runDir', 'checkpoint', 'backend', 'testAccuracy', 'testLoss', 'samples', 'classes', 'perClassAccuracy', 'testMap50', 'testMap'];
    assert.deepEqual(keys.filter((k) => !(k in result)), []);
    assert.equal(result.testAccuracy, null);
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    assert.equal(typeof result.testMap50, 'number');
    assert.equal(result.testMap50, summary.test.detection.map50);
    assert.equal(result.testMap, summary.test.detection.map);
  });
});

describe('drawing boxes', () => {
  it('outlines each box in its class colour and leaves the inside as the picture', () => {
    const pixels = new Uint8Array(32 * 32).fill(100);
    const drawn = drawBoxes({ pixels, width: 32, height: 32, channels: 1 }, [{ cls: 0, score: 0.9, box: [4, 4, 12, 12] }]);
    const at = (x: number, y: number) => Array.from(drawn.data.subarray((y * drawn.width + x) * 3, (y * drawn.width + x) * 3 + 3));
    assert.deepEqual(at(4 * 8, 6 * 8), classRgb(0), 'left edge');
    assert.deepEqual(at(8 * 8, 8 * 8), [100, 100, 100], 'inside');
    assert.deepEqual(at(20 * 8, 20 * 8), [100, 100, 100], 'outside');
  });

  it('draws each class in the colour the training panel gives it', () => {
    const classes = Array.from({ length: 12 }, (_, c) => `class${c}`);
    const legend = boxColours(classes);
    const hex = (rgb: readonly number[]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
    for (let c = 0; c < classes.length; c++) {
      const drawn = drawBoxes({ pixels: new Uint8Array(16 * 16), width: 16, height: 16, channels: 1 }, [{ cls: c, score: 0.9, box: [2, 2, 10, 10] }]);
      const edge = Array.from(drawn.data.subarray((2 * 16 * drawn.width + 2 * 16) * 3, (2 * 16 * drawn.width + 2 * 16) * 3 + 3));
      assert.equal(hex(edge), legend[c].css, `class ${c}`);
      assert.equal(legend[c].css, classCss(c));
    }
    assert.notEqual(legend[0].css, legend[1].css);
    assert.equal(legend[10].css, legend[0].css, 'ten colours, then again');
  });
});

/**
 * The pytorch export of a detector: predict.py prints the boxes of `cnnlab predict` and draws the same picture;
 * task.py's FCOS loss, decoding (torchvision's batched_nms) and COCO mAP (detection_metrics.py) equal the engine's on
 * the same numbers (and a hand-computed AP); box_pipeline.py keeps boxes on their objects through geometric
 * augmentation; train.py trains on shapes scenes (one process and torchrun) and on a YOLO folder and COCO
 * annotations, and writes valMap50 / valMap and testMap50 / testMap (testAccuracy null) as our engine does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runExport } from '../../src/cli/export';
import { runPredict } from '../../src/cli/predict';
import { evaluateDetections, type ImageDetections } from '../../src/model/detection/averagePrecision';
import { decodeFcosOutput } from '../../src/model/detection/fcosDecode';
import { decodePngRgba, encodePng } from '../../src/inspect/image/png';
import type { EpochMetrics } from '../../src/protocol/runTypes';
import { isMetricRecord } from '../../src/protocol/webview-training';
import { initBackend } from '../../src/trainer/backend';
import { objectsOf } from '../../src/trainer/datasets/objectBoxes';
import { Random } from '../../src/trainer/datasets/random';
import { generateShapeScenes } from '../../src/trainer/datasets/shapeScenes';
import { saveCheckpoint } from '../../src/trainer/engine/checkpoint';
import type { TF } from '../../src/trainer/engine/tf';
import { fcosLoss, packFcosTargets } from '../../src/trainer/tasks/detectionLosses';
import { analyze } from './engine-fixtures';
import { HAS_TORCH, PYTHON, runTrainPy, torchrunArgs, untrainedRun } from './export-fixtures';

const DETECTOR = `name: tiny-detector
task: detection
input: [1, 32, 32]
layers: [Conv2d(1, 8, 3, padding=1), ReLU(), MaxPool2d(2), Conv2d(8, 8, 3, padding=1), ReLU(), MaxPool2d(2), DetectionHead(8, 5)]
data:
  dataset: shapes
  train_samples: 40
  test_samples: 12
  transforms:
    train: [RandomHorizontalFlip(), RandomAffine(10, translate=(0.1, 0.1)), ToTensor(), Normalize((0.5,), (0.25,))]
    test: [ToTensor(), Normalize((0.5,), (0.25,))]
train: {epochs: 2, batch_size: 8, optimizer: adam, lr: 0.01, loss: fcos, best: val_map50}
`;
const folderDetector = (dataset: string, path: string) => `name: tiny-${dataset}
task: detection
input: [3, 16, 16]
classes: [red, blue]
layers: [Conv2d(3, 8, 3, padding=1), ReLU(), MaxPool2d(2), DetectionHead(8, 2)]
data: {dataset: ${dataset}, path: ${JSON.stringify(path)}, validation_split: 0.25}
train: {epochs: 1, batch_size: 4, optimizer: adam, lr: 0.01, loss: fcos}
`;

let tf: TF;
let root: string;
before(async () => {
  tf = (await initBackend('wasm')).tf;
  root = mkdtempSync(join(tmpdir(), 'cnnlab-export-detection-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Exports a run of `text` (untrained; head biases raised so that many locations score above predict's 0.3). */
async function exported(text: string, name = 'export'): Promise<{ runDir: string; dir: string }> {
  const analysis = analyze(text);
  const { runDir, model } = await untrainedRun(tf, analysis, text, join(root, 'runs'));
  const bias = model.params[model.params.length - 1].variable;
  const k = bias.shape[0] - 5;
  bias.assign(tf.tensor1d(Array.from({ length: k + 5 }, (_, c) => (c < k ? 1 + 0.3 * c : c === k + 4 ? 1 : 0.5))));
  for (const sub of ['last', 'best']) await saveCheckpoint(tf, model, analysis, join(runDir, sub), { epoch: 1 });
  model.dispose();
  const dir = join(root, name, analysis.name);
  let errors = '';
  assert.equal(await runExport([runDir, '--format', 'pytorch', '--out', dir], { out: () => {}, err: (t) => void (errors += t) }), 0, errors);
  return { runDir, dir };
}

function python(script: string): unknown {
  const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

interface Box { class: string; score: number; x1: number; y1: number; x2: number; y2: number }

describe('exported detector', { skip: !HAS_TORCH && 'python3 with torch is not installed' }, () => {
  it('predict.py --json prints the boxes of cnnlab predict (within 1e-4), and --out draws the same picture', { timeout: 120_000 }, async () => {
    const { runDir, dir } = await exported(DETECTOR);
    const scenes = generateShapeScenes(1, 32, 32, 1, 5);
    const rng = new Random(9);
    const pictures = {
      'scene.png': { width: 32, height: 32, channels: 1 as const, data: scenes.images },
      // Turned grey as predict turns it.
      'rgb.png': { width: 32, height: 32, channels: 3 as const, data: Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => Math.floor(128 + 110 * Math.sin(i / 9) * rng.next())) },
    };
    for (const [name, picture] of Object.entries(pictures)) {
      const image = join(root, name);
      writeFileSync(image, encodePng(picture));
      let out = '';
      let err = '';
      assert.equal(await runPredict([runDir, image, '--json', '--backend', 'wasm', '--out', join(root, `ours-${name}`)], { out: (t) => void (out += t), err: (t) => void (err += t) }), 0, err);
      const mine = JSON.parse(out) as { size: number[]; boxes: Box[] };
      const r = spawnSync(PYTHON, [join(dir, 'predict.py'), image, '--json', '--out', join(root, `theirs-${name}`)], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const theirs = JSON.parse(r.stdout) as { task: string; size: number[]; boxes: Box[] };
      assert.equal(theirs.task, 'detection');
      assert.deepEqual(theirs.size, mine.size);
      assert.ok(mine.boxes.length > 3, `${name}: ${mine.boxes.length} boxes: the test needs several`);
      assert.equal(theirs.boxes.length, mine.boxes.length, name);
      theirs.boxes.forEach((b, i) => {
        const m = mine.boxes[i];
        assert.equal(b.class, m.class, `${name} box ${i}`);
        for (const key of ['score', 'x1', 'y1', 'x2', 'y2'] as const) assert.ok(Math.abs(b[key] - m[key]) <= 1e-4, `${name} box ${i} ${key}: ${b[key]} against ${m[key]}`);
      });
      const [a, b] = [decodePngRgba(readFileSync(join(root, `ours-${name}`))), decodePngRgba(readFileSync(join(root, `theirs-${name}`)))];
      assert.deepEqual([a.width, a.height], [b.width, b.height]);
      assert.deepEqual(a.data, b.data, `${name}: the drawn pictures differ`);
    }
  });

  it("task.py's FCOS loss and decoding (torchvision's batched_nms) equal the engine's on the same head outputs", { timeout: 120_000 }, async () => {
    const dir = join(root, 'export', 'tiny-detector');
    const [n, h, w, k, stride] = [3, 4, 4, 5, 8];
    const rng = new Random(21);
    const output = Array.from({ length: n * h * w * (k + 5) }, (_, i) => (i % (k + 5) >= k && i % (k + 5) < k + 4 ? 3 * rng.next() : 4 * rng.next() - 2));
    const scenes = generateShapeScenes(n, 32, 32, 1, 13);
    const objects = Array.from({ length: n }, (_, i) => objectsOf(scenes.objects!, i));
    const targets = packFcosTargets(objects.map((o) => ({ boxes: o.map((x) => x.box), classes: o.map((x) => x.cls) })), { height: h, width: w, stride }, k);
    const engineLoss = tf.tidy(() => fcosLoss(tf, tf.tensor4d(output, [n, h, w, k + 5]), tf.tensor4d(targets, [n, h, w, k + 6])).total.dataSync()[0]);
    const engineDetections = objects.map((_, i) => decodeFcosOutput(output, i * h * w * (k + 5), { height: h, width: w, stride }, k, { width: 32, height: 32 }));
    const padded = objects.map((o) => [...o.map((x) => [x.cls, ...x.box]), ...Array.from({ length: 3 - o.length }, () => [-1, -1, -1, -1, -1])]);
    const result = python(`
import json, sys, torch
sys.path.insert(0, ${JSON.stringify(dir)})
from task import Task
task = Task({"classes": ["a", "b", "c", "d", "e"], "decode": {"score_thresh": 0.05, "nms_thresh": 0.6, "topk_candidates": 1000, "detections_per_img": 100}})
output = torch.tensor(${JSON.stringify(output)}).reshape(${n}, ${h}, ${w}, ${k + 5}).permute(0, 3, 1, 2)
print(json.dumps({"loss": task.loss(output, torch.tensor(${JSON.stringify(padded)})).item(), "detections": [task.decode(o) for o in output]}))
`) as { loss: number; detections: Array<Array<{ cls: number; score: number; box: number[] }>> };
    assert.ok(Math.abs(result.loss - engineLoss) < 1e-4, `loss: torch ${result.loss}, engine ${engineLoss}`);
    result.detections.forEach((theirs, i) => {
      const mine = engineDetections[i];
      assert.ok(mine.length > 10, 'NMS has boxes to suppress');
      assert.equal(theirs.length, mine.length, `image ${i}`);
      theirs.forEach((d, j) => {
        assert.equal(d.cls, mine[j].cls);
        assert.ok(Math.abs(d.score - mine[j].score) < 1e-5);
        d.box.forEach((v, c) => assert.ok(Math.abs(v - mine[j].box[c]) < 1e-4, `image ${i} detection ${j}: ${d.box} against ${mine[j].box}`));
      });
    });
  });

  it("detection_metrics.py's mAP equals the engine's on random boxes, and a hand-computed AP", { timeout: 60_000 }, () => {
    const dir = join(root, 'export', 'tiny-detector');
    const rng = new Random(4);
    const box = () => {
      const [x, y] = [rng.next() * 40, rng.next() * 40];
      return [x, y, x + 4 + rng.next() * 20, y + 4 + rng.next() * 20] as const;
    };
    const images: ImageDetections[] = Array.from({ length: 12 }, () => {
      const truth = Array.from({ length: 1 + rng.int(4) }, () => ({ cls: rng.int(3), box: box() }));
      // Detections near the truth (jittered), and strays.
      const near = truth.filter(() => rng.next() < 0.8).map((t) => ({ cls: rng.next() < 0.9 ? t.cls : rng.int(3), score: rng.next(), box: t.box.map((v) => v + 4 * rng.next() - 2) as unknown as readonly [number, number, number, number] }));
      return { truth, detections: [...near, ...Array.from({ length: rng.int(3) }, () => ({ cls: rng.int(3), score: rng.next(), box: box() }))] };
    });
    // Class 0: truths A and B; detections 0.9 on A, 0.8 on nothing, 0.7 on B → precision 1, 1/2, 2/3 (envelope
    // 1, 2/3, 2/3) at recall 1/2, 1/2, 1: AP = (51 · 1 + 50 · 2/3) / 101 at each threshold (the matches are exact).
    const hand: ImageDetections[] = [{
      truth: [{ cls: 0, box: [0, 0, 10, 10] }, { cls: 0, box: [20, 20, 30, 30] }],
      detections: [{ cls: 0, score: 0.9, box: [0, 0, 10, 10] }, { cls: 0, score: 0.8, box: [40, 40, 50, 50] }, { cls: 0, score: 0.7, box: [20, 20, 30, 30] }],
    }];
    const asJson = (set: ImageDetections[]) => JSON.stringify(set.map((i) => [i.truth, i.detections]));
    const result = python(`
import json, sys
sys.path.insert(0, ${JSON.stringify(dir)})
from detection_metrics import coco_metrics
print(json.dumps([coco_metrics(${asJson(images)}, 3), coco_metrics(${asJson(hand)}, 1)]))
`) as Array<ReturnType<typeof evaluateDetections>>;
    const [theirs, theirsHand] = result;
    const mine = evaluateDetections(images, 3);
    assert.ok(mine.map50! > 0.2 && mine.map50! < 0.95, `a case with hits and misses (mAP@0.5 ${mine.map50})`);
    assert.ok(Math.abs(theirs.map! - mine.map!) < 1e-12 && Math.abs(theirs.map50! - mine.map50!) < 1e-12, `${theirs.map}/${mine.map}, ${theirs.map50}/${mine.map50}`);
    theirs.perClass.forEach((c, i) => {
      assert.deepEqual([c.truths, c.detections], [mine.perClass[i].truths, mine.perClass[i].detections]);
      c.apPerIou.forEach((ap, t) => assert.ok(Math.abs(ap! - mine.perClass[i].apPerIou[t]!) < 1e-12));
      c.pr50.precision.forEach((p, r) => assert.ok(Math.abs(p - mine.perClass[i].pr50.precision[r]) < 1e-12));
    });
    const expected = (51 + 50 * (2 / 3)) / 101;
    assert.ok(Math.abs(theirsHand.map50! - expected) < 1e-12 && Math.abs(theirsHand.map! - expected) < 1e-12, `${theirsHand.map50} against ${expected}`);
    assert.ok(Math.abs(evaluateDetections(hand, 1).map50! - expected) < 1e-12);
  });

  it("box_pipeline.py keeps every box on its object's pixels through flips, crops, resizes and affine warps", { timeout: 60_000 }, () => {
    const dir = join(root, 'export', 'tiny-detector');
    // Rectangles painted in grey levels 60 · (class + 1) and moved with nearest-neighbour sampling: every box kept must
    // bound its object's pixels. Axis-aligned steps are exact up to the pixel nearest sampling may move an edge (two
    // after the 2× Resize); a rotated rectangle's pixels may fall short of its box's corners by about one pixel.
    const result = python(`
import json, sys, torch
from torchvision import transforms as T
from torchvision.transforms import InterpolationMode
sys.path.insert(0, ${JSON.stringify(dir)})
from box_pipeline import BoxPipeline
from imageset import to_pil
import numpy as np
torch.manual_seed(0)
NEAREST = InterpolationMode.NEAREST
PIPELINES = [
    [T.ToTensor(), T.RandomHorizontalFlip(), T.RandomVerticalFlip(), T.RandomCrop(28, padding=3), T.RandomResizedCrop(24, scale=(0.5, 1), interpolation=NEAREST), T.Resize((48, 48), interpolation=NEAREST)],
    [T.ToTensor(), T.RandomAffine(30, translate=(0.2, 0.1), scale=(0.8, 1.2), shear=10, interpolation=NEAREST)],
]
results = []
for steps in PIPELINES:
    pipeline = BoxPipeline(T.Compose(steps))
    worst, kept, lost = 0.0, 0, 0
    for i in range(40):
        rng = np.random.default_rng(i)
        pixels, objects = np.zeros((32, 32, 1), np.uint8), []
        for c in range(3):
            x, y, w, h = (int(v) for v in (rng.integers(0, 20), rng.integers(0, 20), rng.integers(5, 12), rng.integers(5, 12)))
            if any(not (x >= o[3] or x + w <= o[1] or y >= o[4] or y + h <= o[2]) for o in objects):
                continue
            pixels[y:y + h, x:x + w] = 60 * (len(objects) + 1)
            objects.append([len(objects), x, y, x + w, y + h])
        objects = torch.tensor(objects, dtype=torch.float32)
        image, boxes, classes = pipeline(to_pil(pixels), objects[:, 1:], objects[:, 0])
        values = (image[0] * 255 / 60).round()
        for c in range(len(objects)):
            ys, xs = torch.nonzero(values == c + 1, as_tuple=True)
            at = (classes == c).nonzero()
            if len(at) == 0:
                lost += 1
                continue
            kept += 1
            seen = [xs.min().item(), ys.min().item(), xs.max().item() + 1, ys.max().item() + 1] if len(xs) else [-99] * 4
            worst = max(worst, max(abs(u - v) for u, v in zip(seen, boxes[at[0, 0]].tolist())))
    results.append({"worst": worst, "kept": kept, "lost": lost})
print(json.dumps(results))
`) as Array<{ worst: number; kept: number; lost: number }>;
    const [aligned, warped] = result;
    assert.ok(aligned.worst <= 2, `axis-aligned steps: a box is ${aligned.worst} pixels off its object`);
    assert.ok(warped.worst <= 1.5, `RandomAffine: a box is ${warped.worst} pixels off its object`);
    assert.ok(aligned.kept > 60 && aligned.lost > 0, `kept ${aligned.kept}, lost ${aligned.lost}: crops cut some objects away`);
  });

  it('train.py on shapes scenes, one process and torchrun (2 processes): valMap50 / valMap per epoch, testMap50 / testMap, testAccuracy null', { timeout: 600_000 }, async () => {
    const { dir } = await exported(DETECTOR, 'train');
    for (const [launcher, out] of [[[], 'one'], [await torchrunArgs(2), 'two']] as const) {
      const { run } = runTrainPy(dir, 'tiny-detector', 1, join(root, 'torch-runs', out), [...launcher]);
      assert.equal(run.summary?.task, 'detection');
      for (const m of readFileSync(join(run.dir, 'metrics.jsonl'), 'utf8').trim().split('\n')) assert.ok(isMetricRecord(JSON.parse(m)), m);
      const [epoch] = run.metrics.filter((m): m is EpochMetrics => m.kind === 'epoch');
      assert.ok(typeof epoch.valMap50 === 'number' && typeof epoch.valMap === 'number' && epoch.valMap <= epoch.valMap50, JSON.stringify(epoch));
      const s = run.summary as unknown as Record<string, unknown>;
      assert.equal(s.testAccuracy, null);
      assert.equal(s.testMap50, run.summary?.test?.detection?.map50);
      assert.equal(s.testMap, run.summary?.test?.detection?.map);
      assert.equal(run.summary?.test?.detection?.perClass.length, 5);
      assert.equal(run.summary?.test?.samples, 12);
      if (out === 'two') assert.match(run.summary?.backendDescription ?? '', /2 process\(es\)/);
    }
  });

  it('train.py reads a YOLO folder and COCO annotations (boxes stretched with their pictures)', { timeout: 300_000 }, async () => {
    const yolo = join(root, 'yolo');
    const coco = join(root, 'coco');
    for (const sub of ['images', 'labels']) mkdirSync(join(yolo, sub), { recursive: true });
    mkdirSync(join(coco, 'images'), { recursive: true });
    const annotations = { images: [] as unknown[], categories: [{ id: 7, name: 'blue' }, { id: 3, name: 'red' }], annotations: [] as unknown[] };
    for (let i = 0; i < 12; i++) {
      // A 24×20 picture with a red square and a blue bar.
      const [w, h] = [24, 20];
      const data = new Uint8Array(w * h * 3).fill(30);
      const paint = (x1: number, y1: number, x2: number, y2: number, rgb: number[]) => { for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) data.set(rgb, (y * w + x) * 3); };
      const [rx, bx] = [i % 8, 12 + (i % 5)];
      paint(rx, 2, rx + 8, 10, [220, 30, 30]);
      paint(bx, 8, bx + 6, 18, [30, 30, 220]);
      const png = encodePng({ width: w, height: h, channels: 3, data });
      writeFileSync(join(yolo, 'images', `${i}.png`), png);
      writeFileSync(join(coco, 'images', `${i}.png`), png);
      writeFileSync(join(yolo, 'labels', `${i}.txt`), `0 ${(rx + 4) / w} ${6 / h} ${8 / w} ${8 / h}\n1 ${(bx + 3) / w} ${13 / h} ${6 / w} ${10 / h}\n`);
      annotations.images.push({ id: i, file_name: `${i}.png`, width: w, height: h });
      annotations.annotations.push({ id: 2 * i, image_id: i, category_id: 3, bbox: [rx, 2, 8, 8] }, { id: 2 * i + 1, image_id: i, category_id: 7, bbox: [bx, 8, 6, 10] });
    }
    writeFileSync(join(coco, 'annotations.json'), JSON.stringify(annotations));
    for (const [dataset, path] of [['yolofolder', yolo], ['coco', coco]]) {
      const { dir } = await exported(folderDetector(dataset, path), 'folders');
      const { run } = runTrainPy(dir, `tiny-${dataset}`, 1, join(root, 'folder-runs'));
      // 12 pictures: 20 % (2) held out as the test set, each with its two objects.
      assert.equal(run.summary?.test?.samples, 2);
      assert.deepEqual(run.summary?.test?.detection?.perClass.map((c) => c.truths), [2, 2]);
      const boxes = python(`
import json, sys
sys.path.insert(0, ${JSON.stringify(dir)})
from datasets import load_splits
train, _, test = load_splits(${JSON.stringify(dataset)}, ${JSON.stringify(path)}, ["red", "blue"], 0.25, 1, None, (16, 16))
print(json.dumps(sorted(o.tolist() for objects in list(train[2]) + list(test[2]) for o in objects)[:1]))
`) as number[][];
      // The first red square (x 0…8, y 2…10 of 24×20) in 16×16 pixels; COCO's category 3 is red: classes sorted by id.
      assert.deepEqual(boxes[0].map((v) => Math.round(v * 1000) / 1000), [0, 0, 1.6, 5.333, 8]);
    }
  });
});

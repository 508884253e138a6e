/**
 * Configurable decoding of a detector (DetectionHead's score_thresh, nms_thresh, topk_candidates, detections_per_img):
 * read from the model file with diagnostics for bad values, and used by the engine's evaluation and by predict.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import { decodeFcosOutput } from '../../src/model/detection/fcosDecode';
import { DECODE_DEFAULTS, type DecodeOptions } from '../../src/model/detection/postprocess';
import { modelDecodeOptions } from '../../src/model/layers/detectionHead';
import { predictDecoding } from '../../src/inspect/network/detectionPrediction';
import { parseArgs } from '../../src/cli/inspectArgs';
import { packObjects } from '../../src/trainer/datasets/objectBoxes';
import type { Batch } from '../../src/trainer/datasets/types';
import { createTask } from '../../src/trainer/tasks/registry';

const model = (head: string) => `task: detection
input: [1, 8, 16]
layers:
  - Conv2d(1, 4, 3, padding=1)
  - MaxPool2d(8)
  - ${head}
classes: [thing]
`;

/**
 * A 1×2 map (stride 8) of a one-class head on a 16×8 image. Location 0 (centre (4, 4)) predicts [0, 0, 10, 8] with
 * score √(sigmoid(2)) = 0.9385, location 1 (centre (12, 4)) predicts [4, 0, 16, 8] with score √½ = 0.7071 (the
 * centre-ness logits are 30: sigmoid 1). The two boxes overlap with IoU 48 / 128 = 0.375.
 */
const OUTPUT = [2, 0.5, 0.5, 0.75, 0.5, 30, /* location 1 */ 0, 1, 0.5, 0.5, 0.5, 30];
const GRID = { height: 1, width: 2, stride: 8 };
const IMAGE = { width: 16, height: 8 };
const decoded = (options: Partial<DecodeOptions>) => decodeFcosOutput(OUTPUT, 0, GRID, 1, IMAGE, options).map((d) => [d.box, Number(d.score.toFixed(4))]);
const BOTH = [[[0, 0, 10, 8], 0.9385], [[4, 0, 16, 8], 0.7071]];
const FIRST = BOTH.slice(0, 1);

describe('decoding options', () => {
  it('a hand case: the score threshold, the NMS IoU, top-k and the detections per image each drop the second box', () => {
    assert.deepEqual(decoded({}), BOTH, 'defaults: both pass 0.05 and IoU 0.375 < 0.6');
    assert.deepEqual(decoded({ scoreThreshold: 0.8 }), FIRST);
    assert.deepEqual(decoded({ scoreThreshold: 0.95 }), []);
    assert.deepEqual(decoded({ iouThreshold: 0.3 }), FIRST, 'IoU 0.375 > 0.3: suppressed by the better box of its class');
    assert.deepEqual(decoded({ iouThreshold: 0.4 }), BOTH);
    assert.deepEqual(decoded({ preNmsTopK: 1 }), FIRST);
    assert.deepEqual(decoded({ maxDetections: 1 }), FIRST);
  });

  it('are DetectionHead arguments with torchvision FCOS’s names and defaults', () => {
    const a = analyzeModel(model('DetectionHead(4, 1)'));
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(modelDecodeOptions(a), DECODE_DEFAULTS);
    const b = analyzeModel(model('DetectionHead(4, 1, score_thresh=0.2, nms_thresh=0.5, topk_candidates=50, detections_per_img=10)'));
    assert.deepEqual(b.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(modelDecodeOptions(b), { scoreThreshold: 0.2, iouThreshold: 0.5, preNmsTopK: 50, maxDetections: 10 });
  });

  it('bad values are errors naming the argument and its range, underlined where written', () => {
    for (const [arg, range] of [['score_thresh=1.5', /a number between 0 and 0\.99, got 1\.5/], ['nms_thresh=0', /a number > 0 and ≤ 1, got 0/], ['topk_candidates=0', /an integer between 1 and 100000, got 0/], ['detections_per_img=2.5', /an integer between 1 and 10000, got 2\.5/]] as const) {
      const text = model(`DetectionHead(4, 1, ${arg})`);
      const errors = analyzeModel(text).diagnostics.filter((d) => d.severity === 'error');
      assert.equal(errors.length, 1, `${arg}: ${errors.map((e) => e.message).join('; ')}`);
      const name = arg.split('=')[0];
      assert.match(errors[0].message, new RegExp(name));
      assert.match(errors[0].message, range);
      const line = text.split('\n')[errors[0].range.start.line];
      assert.ok(line.slice(errors[0].range.start.character).startsWith(name) || line.slice(errors[0].range.start.character).startsWith(arg.split('=')[1]), `underlines ${arg}: ${line}`);
    }
  });

  it('the engine’s evaluation decodes as the head says: a stricter score threshold changes the mAP', () => {
    // The one true object is location 1's box: found after location 0's false detection (AP 0.5), or dropped (AP 0).
    const batch: Batch = { x: new Float32Array(128), y: new Int32Array(1), size: 1, height: 8, width: 16, channels: 1, objects: packObjects([[{ cls: 0, box: [4, 0, 16, 8] }]]) };
    const map50 = (head: string) => {
      const analysis = analyzeModel(model(head));
      const task = createTask('detection', { loss: 'fcos', classes: ['thing'], outputShape: analysis.outputShape, decode: modelDecodeOptions(analysis) });
      const evaluation = task.evaluation({} as never);
      evaluation.add(batch, 0, Float32Array.from(OUTPUT), 1);
      return evaluation.result().detection?.map50;
    };
    assert.equal(map50('DetectionHead(4, 1)'), 0.5);
    assert.equal(map50('DetectionHead(4, 1, score_thresh=0.8)'), 0);
    assert.equal(map50('DetectionHead(4, 1, nms_thresh=0.3)'), 0);
    assert.equal(map50('DetectionHead(4, 1, score_thresh=0.6)'), 0.5);
  });

  it('predict shows from 0.3 (or the head’s higher threshold) unless told otherwise, with the head’s NMS', () => {
    const layers = (head: string) => analyzeModel(model(head));
    assert.deepEqual(predictDecoding(layers('DetectionHead(4, 1)')), { ...DECODE_DEFAULTS, scoreThreshold: 0.3 });
    assert.equal(predictDecoding(layers('DetectionHead(4, 1, score_thresh=0.5)')).scoreThreshold, 0.5);
    assert.deepEqual(predictDecoding(layers('DetectionHead(4, 1, nms_thresh=0.4, detections_per_img=7)'), { scoreThreshold: 0.01 }), { ...DECODE_DEFAULTS, scoreThreshold: 0.01, iouThreshold: 0.4, maxDetections: 7 });
    assert.equal(predictDecoding(layers('DetectionHead(4, 1)'), { iouThreshold: 0.2 }).iouThreshold, 0.2);
  });

  it('predict’s --score-threshold and --iou-threshold take numbers between 0 and 1', () => {
    const spec = { '--score-threshold': 'fraction', '--iou-threshold': 'fraction' } as const;
    const ok = parseArgs(['run', 'a.png', '--score-threshold', '0.5', '--iou-threshold=0.45'], spec);
    assert.ok(typeof ok !== 'string');
    assert.equal(ok.options.get('--score-threshold'), 0.5);
    assert.equal(ok.options.get('--iou-threshold'), 0.45);
    assert.equal(parseArgs(['--score-threshold', '1.5'], spec), '--score-threshold expects a number between 0 and 1, got 1.5');
    assert.equal(parseArgs(['--iou-threshold', 'high'], spec), '--iou-threshold expects a number between 0 and 1, got high');
  });
});

/**
 * Detection metrics: AP, mAP@0.5 and mAP@[.5:.95] on hand-computed cases, then against COCOeval's algorithm
 * (scripts/coco-ap-reference.py, numpy) on random scenes with jittered, duplicated, missing and false detections and
 * tied scores.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { python, pythonHas } from '../fixtures/python';
import { COCO_IOU_THRESHOLDS, evaluateDetections, RECALL_LEVELS, type ImageDetections } from '../../src/model/detection/averagePrecision';
import type { Box } from '../../src/model/detection/boxes';
import { imageErrors, worstImages, type ImageErrors } from '../../src/model/detection/imageErrors';

const close = (a: number | null, b: number, tol = 1e-12) => assert.ok(a !== null && Math.abs(a - b) <= tol, `${a} vs ${b}`);

// Class 0: three truths over two images, detections TP .9, FP .8, TP .7, FP .6 (IoU exactly 1 or 0).
// Recall 1/3, 1/3, 2/3, 2/3; precision 1, 1/2, 2/3, 1/2; envelope 1, 2/3, 2/3, 1/2.
// 101 levels: 0…0.33 (34 levels) → 1, 0.34…0.66 (33) → 2/3, 0.67…1 → 0: AP = (34 + 22) / 101.
// All-point: 1/3 · 1 + 1/3 · 2/3 = 5/9. Class 1: a detection, no truth (AP null). Class 2: a truth, no detection (AP 0).
const scenes: ImageDetections[] = [
  {
    truth: [{ cls: 0, box: [0, 0, 10, 10] }, { cls: 0, box: [20, 20, 30, 30] }],
    detections: [
      { cls: 0, score: 0.9, box: [0, 0, 10, 10] },
      { cls: 0, score: 0.8, box: [50, 50, 60, 60] },
      { cls: 0, score: 0.7, box: [20, 20, 30, 30] },
      { cls: 1, score: 0.95, box: [0, 0, 10, 10] },
    ],
  },
  {
    truth: [{ cls: 0, box: [0, 0, 10, 10] }, { cls: 2, box: [30, 30, 40, 40] }],
    detections: [{ cls: 0, score: 0.6, box: [40, 40, 45, 45] }],
  },
];

describe('average precision by hand', () => {
  it('COCO 101-point AP, classes without truth left out, classes without detections at 0', () => {
    const m = evaluateDetections(scenes, 3);
    close(m.perClass[0].ap50, 56 / 101);
    close(m.perClass[0].ap, 56 / 101);
    assert.equal(m.perClass[1].ap, null);
    assert.equal(m.perClass[1].detections, 1);
    assert.equal(m.perClass[2].ap, 0);
    assert.equal(m.perClass[2].truths, 1);
    close(m.map50, 56 / 101 / 2);
    close(m.map, 56 / 101 / 2);
    close(m.perClass[0].recall50, 2 / 3);
  });

  it('the PR curve at IoU 0.5 is the envelope at the 101 recall levels', () => {
    const pr = evaluateDetections(scenes, 3).perClass[0].pr50;
    assert.deepEqual(pr.recall, [...RECALL_LEVELS]);
    // Precision is TP / (TP + FP + ε) with COCOeval's ε = np.spacing(1), hence 1 − 2⁻⁵² rather than 1.
    pr.precision.slice(0, 34).forEach((p) => close(p, 1));
    pr.precision.slice(34, 67).forEach((p) => close(p, 2 / 3));
    assert.deepEqual(pr.precision.slice(67), new Array(34).fill(0));
  });

  it('all-point interpolation (VOC 2010+)', () => {
    close(evaluateDetections(scenes, 3, { interpolation: 'allPoint' }).perClass[0].ap50, 5 / 9);
  });

  it('a box overlapping its truth by IoU 0.6 counts at 0.50, 0.55, 0.60 and misses above: mAP@[.5:.95] = 3/10', () => {
    const m = evaluateDetections([{ truth: [{ cls: 0, box: [0, 0, 10, 10] }], detections: [{ cls: 0, score: 0.5, box: [0, 0, 10, 6] }] }], 1);
    [1, 1, 1, 0, 0, 0, 0, 0, 0, 0].forEach((v, t) => close(m.perClass[0].apPerIou[t], v));
    close(m.map, 0.3);
    close(m.map50, 1);
    assert.equal(COCO_IOU_THRESHOLDS.length, 10);
  });

  it('a second detection of the same object is a false positive; each takes the truth it overlaps most', () => {
    const truth = [{ cls: 0, box: [0, 0, 10, 10] as Box }, { cls: 0, box: [4, 0, 14, 10] as Box }];
    // The first detection overlaps truth 1 (IoU 1) more than truth 0 (IoU 6/14): it takes truth 1, the second takes truth 0.
    const both = evaluateDetections([{ truth, detections: [{ cls: 0, score: 0.9, box: [4, 0, 14, 10] }, { cls: 0, score: 0.8, box: [0, 0, 10, 10] }] }], 1, { iouThresholds: [0.5] });
    assert.equal(both.perClass[0].ap50, 1);
    // A duplicate of truth 1 instead: recall 1/2 then stays, precision 1 then 1/2: AP = 51/101 (levels 0…0.5).
    const dup = evaluateDetections([{ truth, detections: [{ cls: 0, score: 0.9, box: [4, 0, 14, 10] }, { cls: 0, score: 0.8, box: [4, 0, 14, 10] }] }], 1, { iouThresholds: [0.5] });
    close(dup.perClass[0].ap50, 51 / 101);
  });

  it('only the best maxDetections per image and class count', () => {
    const image: ImageDetections = {
      truth: [{ cls: 0, box: [0, 0, 10, 10] }],
      detections: [{ cls: 0, score: 0.9, box: [50, 50, 60, 60] }, { cls: 0, score: 0.1, box: [0, 0, 10, 10] }],
    };
    // With both: FP then TP, recall reaches 1 at precision 1/2 → AP 1/2. With one: only the FP → AP 0.
    close(evaluateDetections([image], 1, { iouThresholds: [0.5] }).perClass[0].ap50, 0.5);
    assert.equal(evaluateDetections([image], 1, { iouThresholds: [0.5], maxDetections: 1 }).perClass[0].ap50, 0);
  });

  it('no truth anywhere: mAP null', () => {
    const m = evaluateDetections([{ truth: [], detections: [{ cls: 0, score: 1, box: [0, 0, 1, 1] }] }], 2);
    assert.equal(m.map, null);
    assert.equal(m.map50, null);
  });
});

/** Random scenes: truths, each found with a jitter (IoU spread over the thresholds) or missed, duplicates, false boxes. */
function randomScenes(seed: number, count: number, classes: number): ImageDetections[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const box = (): Box => {
    const x = rand() * 80;
    const y = rand() * 80;
    return [x, y, x + 4 + rand() * 30, y + 4 + rand() * 30];
  };
  const jitter = (b: Box): Box => b.map((v) => v + (rand() - 0.5) * 0.3 * (b[2] - b[0])) as unknown as Box;
  // Scores on a 0.05 grid: ties within and across images exercise COCO's stable orders.
  const score = () => Math.round(rand() * 20) / 20;
  return Array.from({ length: count }, () => {
    const truth = Array.from({ length: Math.floor(rand() * 5) }, () => ({ cls: Math.floor(rand() * classes), box: box() }));
    const detections = [];
    for (const t of truth) {
      if (rand() < 0.8) detections.push({ cls: t.cls, score: score(), box: jitter(t.box) });
      if (rand() < 0.2) detections.push({ cls: t.cls, score: score(), box: jitter(t.box) });
    }
    for (let k = Math.floor(rand() * 3); k > 0; k--) detections.push({ cls: Math.floor(rand() * classes), score: score(), box: box() });
    return { truth, detections };
  });
}

describe('average precision equals COCOeval', { skip: !pythonHas('numpy') && 'needs /usr/bin/python3 with numpy' }, () => {
  const script = join(__dirname, '..', '..', 'scripts', 'coco-ap-reference.py');
  for (const [seed, classes] of [[1, 3], [2, 4], [3, 2]]) {
    it(`seed ${seed}: AP per class and threshold, mAP@0.5, mAP@[.5:.95] (1e-12)`, () => {
      const images = randomScenes(seed, 40, classes);
      const ref = JSON.parse(execFileSync(python, [script], { input: JSON.stringify({ classes, images }), encoding: 'utf8' })) as { ap: number[][]; map: number; map50: number };
      const ours = evaluateDetections(images, classes);
      ref.ap.forEach((row, k) => row.forEach((v, t) => (v < 0 ? assert.equal(ours.perClass[k].apPerIou[t], null) : close(ours.perClass[k].apPerIou[t], v))));
      close(ours.map, ref.map);
      close(ours.map50, ref.map50);
      assert.ok(ref.map50 > 0.3 && ref.map50 < 0.95 && ref.map < ref.map50, `a case between the extremes (${ref.map50}, ${ref.map})`);
    });
  }
});

describe('errors per image (worst images)', () => {
  const truth = [{ cls: 0, box: [0, 0, 10, 10] as Box }, { cls: 1, box: [20, 20, 30, 30] as Box }, { cls: 0, box: [40, 0, 50, 10] as Box }];
  const detections = [
    { cls: 0, score: 0.9, box: [0, 0, 10, 9] as Box }, // finds truth 0 (IoU 0.9)
    { cls: 0, score: 0.8, box: [0, 0, 10, 10] as Box }, // duplicate of truth 0: false
    { cls: 0, score: 0.7, box: [20, 20, 30, 30] as Box }, // right place, wrong class: false
    { cls: 0, score: 0.2, box: [40, 0, 50, 10] as Box }, // would find truth 2, but under the threshold
  ];
  it('misses, duplicates and wrong classes at the shown threshold', () => {
    const e = imageErrors(truth, detections, 0.5);
    assert.deepEqual(e.matched, [[0, 0]]);
    assert.deepEqual(e.falseDetections, [1, 2]);
    assert.deepEqual(e.missed, [1, 2]);
    const low = imageErrors(truth, detections, 0.1);
    assert.deepEqual(low.missed, [1]);
    assert.deepEqual(low.matched, [[0, 0], [3, 2]]);
  });
  it('a detection takes the truth it overlaps most, leaving the other for the next', () => {
    const two = [{ cls: 0, box: [0, 0, 10, 10] as Box }, { cls: 0, box: [4, 0, 14, 10] as Box }];
    const e = imageErrors(two, [{ cls: 0, score: 0.9, box: [4, 0, 14, 10] }, { cls: 0, score: 0.8, box: [0, 0, 10, 10] }], 0.5);
    assert.deepEqual(e.matched, [[0, 1], [1, 0]]);
    assert.deepEqual([e.missed, e.falseDetections], [[], []]);
  });
  it('worst images: most errors first, ties by index, clean images left out', () => {
    const errors = [
      { missed: [0], falseDetections: [], matched: [] },
      { missed: [], falseDetections: [], matched: [] },
      { missed: [0, 1], falseDetections: [3], matched: [] },
      { missed: [], falseDetections: [2], matched: [] },
    ] as ImageErrors[];
    assert.deepEqual(worstImages(errors, 10), [2, 0, 3]);
    assert.deepEqual(worstImages(errors, 2), [2, 0]);
  });
});

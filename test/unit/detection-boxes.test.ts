/**
 * Detection box geometry: hand-computed IoU/GIoU, formats, FCOS coding and assignment, NMS and decoding; then
 * torchvision.ops (box_iou, generalized_box_iou, nms, batched_nms) on seeded random boxes from
 * scripts/torchvision-boxes.py, run at test time with Debian's python3-torchvision.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { python, pythonHas } from '../fixtures/python';
import { boxArea, boxIou, boxIouMatrix, clipBox, cxcywhToXyxy, generalizedBoxIou, generalizedBoxIouMatrix, xyxyToCxcywh, type Box } from '../../src/model/detection/boxes';
import { assignFcosTargets, centerness, decodeLtrb, encodeLtrb, locationCentre } from '../../src/model/detection/fcosCoding';
import { classAwareNms, nms, topK } from '../../src/model/detection/nms';
import { selectDetections, type Detection } from '../../src/model/detection/postprocess';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('box geometry by hand', () => {
  it('IoU of overlapping, nested, disjoint, touching and empty boxes', () => {
    // [0,0,2,2] and [1,1,3,3]: intersection 1, union 4 + 4 − 1 = 7.
    close(boxIou([0, 0, 2, 2], [1, 1, 3, 3]), 1 / 7);
    close(boxIou([0, 0, 4, 4], [1, 1, 3, 3]), 4 / 16);
    assert.equal(boxIou([0, 0, 1, 1], [2, 2, 3, 3]), 0);
    assert.equal(boxIou([0, 0, 1, 1], [1, 0, 2, 1]), 0, 'sharing an edge is no overlap');
    assert.equal(boxIou([1, 1, 1, 1], [1, 1, 1, 1]), 0, 'empty boxes: 0, not NaN');
    assert.equal(boxIou([0, 0, 3, 2], [0, 0, 3, 2]), 1);
  });

  it('GIoU: equals IoU when the union fills the hull, goes negative when apart', () => {
    // Hull of [0,0,2,2] and [1,1,3,3] is 3×3 = 9, union 7: 1/7 − 2/9.
    close(generalizedBoxIou([0, 0, 2, 2], [1, 1, 3, 3]), 1 / 7 - 2 / 9);
    // [0,0,1,1] and [2,0,3,1]: IoU 0, hull 3, union 2: −1/3.
    close(generalizedBoxIou([0, 0, 1, 1], [2, 0, 3, 1]), -1 / 3);
    close(generalizedBoxIou([0, 0, 2, 1], [2, 0, 4, 1]), 0); // side by side: the union fills the hull
    assert.equal(generalizedBoxIou([1, 1, 1, 1], [1, 1, 1, 1]), -1);
  });

  it('formats round-trip, areas and clipping', () => {
    assert.deepEqual(xyxyToCxcywh([2, 4, 10, 8]), [6, 6, 8, 4]);
    assert.deepEqual(cxcywhToXyxy([6, 6, 8, 4]), [2, 4, 10, 8]);
    const b: Box = [1.25, 3.5, 7.75, 9];
    assert.deepEqual(cxcywhToXyxy(xyxyToCxcywh(b)), b);
    assert.equal(boxArea([0, 0, 3, 2]), 6);
    assert.equal(boxArea([3, 0, 1, 2]), 0);
    assert.deepEqual(clipBox([-2, 3, 40, 50], 32, 24), [0, 3, 32, 24]);
  });
});

describe('FCOS coding', () => {
  it('a location encodes its distances to the sides in strides and decodes back', () => {
    assert.deepEqual(locationCentre(2, 1, 8), [20, 12]);
    const box: Box = [10, 4, 36, 30];
    const d = encodeLtrb(box, 20, 12, 8);
    assert.deepEqual(d, [10 / 8, 8 / 8, 16 / 8, 18 / 8]);
    assert.deepEqual(decodeLtrb(d, 20, 12, 8), box);
    // √(min(10,16)/max · min(8,18)/max) = √(10/16 · 8/18).
    close(centerness(d), Math.sqrt((10 / 16) * (8 / 18)));
    assert.equal(centerness([1, 1, 1, 1]), 1);
    assert.equal(centerness([0, 1, 1, 1]), 0);
  });

  it('round trips at every location of a grid for random boxes', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 50; k++) {
      const box: Box = [rand() * 30, rand() * 30, 30 + rand() * 30, 30 + rand() * 30];
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
        const [px, py] = locationCentre(x, y, 8);
        decodeLtrb(encodeLtrb(box, px, py, 8), px, py, 8).forEach((v, i) => close(v, box[i], 1e-9));
      }
    }
  });

  it('assignment: locations near a box centre are positive, the smaller box wins where two claim a location', () => {
    // 4×4 grid of stride 8 (32×32 image); centres at 4, 12, 20, 28.
    const big: Box = [0, 0, 32, 32]; // centre 16: |c − 16| < 12 for centres 12 and 20 → the 2×2 middle (and 4/28 are 12 away: out)
    const small: Box = [8, 8, 18, 18]; // centre 13: only location (1,1) at (12,12) is inside and within 12
    const t = assignFcosTargets([big, small], [0, 2], { height: 4, width: 4, stride: 8 });
    const classes = Array.from(t.classes);
    assert.deepEqual(classes, [-1, -1, -1, -1, -1, 2, 0, -1, -1, 0, 0, -1, -1, -1, -1, -1]);
    assert.equal(t.positives, 4);
    assert.deepEqual(Array.from(t.ltrb.subarray(5 * 4, 6 * 4)), [0.5, 0.5, 0.75, 0.75]);
    assert.deepEqual(Array.from(t.boxIndex.subarray(4, 8)), [-1, 1, 0, -1]);
    close(t.centerness[5], Math.sqrt((0.5 / 0.75) * (0.5 / 0.75)), 1e-7);
    assert.equal(t.centerness[0], 0);
  });

  it('a box smaller than a stride still gets the location whose centre it holds', () => {
    const t = assignFcosTargets([[9, 9, 14, 14]], [1], { height: 4, width: 4, stride: 8 });
    assert.equal(t.positives, 1);
    assert.equal(t.classes[5], 1);
  });
});

describe('NMS and decoding by hand', () => {
  const boxes: Box[] = [[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 9]];
  const scores = [0.9, 0.8, 0.7, 0.95];
  it('suppresses overlaps above the threshold, keeps the highest first', () => {
    // IoU(0,1) = 81/119 ≈ 0.68; IoU(3,0) = 0.9; IoU(3,1) = 72/(90+100−72) ≈ 0.61.
    assert.deepEqual(nms(boxes, scores, 0.5), [3, 2]);
    assert.deepEqual(nms(boxes, scores, 0.65), [3, 1, 2]);
    assert.deepEqual(nms(boxes, scores, 0.95), [3, 0, 1, 2]);
  });
  it('class-aware NMS never suppresses across classes', () => {
    assert.deepEqual(classAwareNms(boxes, scores, [0, 1, 0, 1], 0.5), [3, 0, 2]);
  });
  it('top-k by score, ties by index', () => {
    assert.deepEqual(topK([0.1, 0.5, 0.5, 0.9], 3), [3, 1, 2]);
    assert.deepEqual(topK([0.1], 5), [0]);
    assert.deepEqual(topK([0.1, 0.2], 0), []);
  });
  it('selectDetections thresholds, suppresses per class and caps the count', () => {
    const c: Detection[] = boxes.map((box, i) => ({ box, score: scores[i], cls: [0, 1, 0, 1][i] }));
    c.push({ box: [40, 40, 50, 50], score: 0.04, cls: 0 });
    // Default IoU 0.6: box 1 (class 1) overlaps box 3 (class 1) by ≈ 0.61 and goes; box 0 is class 0 and stays.
    assert.deepEqual(selectDetections(c).map((d) => d.score), [0.95, 0.9, 0.7]);
    assert.deepEqual(selectDetections(c, { iouThreshold: 0.65 }).map((d) => d.score), [0.95, 0.9, 0.8, 0.7]);
    assert.deepEqual(selectDetections(c, { scoreThreshold: 0.85, maxDetections: 1 }).map((d) => d.score), [0.95]);
    assert.deepEqual(selectDetections(c, { scoreThreshold: 0.01, preNmsTopK: 2 }).map((d) => d.score), [0.95, 0.9]);
  });
});

interface TorchBoxes {
  a: Box[];
  b: Box[];
  scores: number[];
  classes: number[];
  iou: number[][];
  giou: number[][];
  nms: Record<string, number[]>;
  batched_nms: Record<string, number[]>;
}

const hasTorchvision = pythonHas('torchvision');

describe('box ops match torchvision.ops', { skip: !hasTorchvision && 'needs /usr/bin/python3 with torchvision' }, () => {
  const script = join(__dirname, '..', '..', 'scripts', 'torchvision-boxes.py');
  const refs = [1, 2, 3].map((seed) => JSON.parse(execFileSync(python, [script, String(seed)], { encoding: 'utf8' })) as TorchBoxes);

  it('box_iou and generalized_box_iou on random boxes (1e-12)', () => {
    for (const r of refs) {
      const iou = boxIouMatrix(r.a, r.b);
      const giou = generalizedBoxIouMatrix(r.a, r.b);
      let overlapping = 0;
      r.iou.forEach((row, i) => row.forEach((v, j) => { close(iou[i][j], v); if (v > 0) overlapping += 1; }));
      r.giou.forEach((row, i) => row.forEach((v, j) => close(giou[i][j], v)));
      assert.ok(overlapping > 50, `${overlapping} overlapping pairs: the random boxes exercise the intersection`);
    }
  });

  it('nms and batched_nms keep the same boxes in the same order', () => {
    for (const r of refs) {
      for (const [t, keep] of Object.entries(r.nms)) assert.deepEqual(nms(r.a, r.scores, Number(t)), keep, `nms at ${t}`);
      for (const [t, keep] of Object.entries(r.batched_nms)) assert.deepEqual(classAwareNms(r.a, r.scores, r.classes, Number(t)), keep, `batched_nms at ${t}`);
      assert.ok(r.nms['0.3'].length < r.a.length, 'the case suppresses something');
    }
  });
});

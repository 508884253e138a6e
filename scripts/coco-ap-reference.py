"""Reference for test/unit/detection-metrics.test.ts: COCO bounding-box AP as pycocotools' COCOeval computes it
(evaluateImg + accumulate + summarize, area range "all", no crowd boxes, maxDets 100), written out in numpy here
because pycocotools is not packaged by Debian.

stdin: {"classes": K, "images": [{"truth": [{"cls", "box": [x1,y1,x2,y2]}], "detections": [{"cls", "score", "box"}]}]}
stdout: {"ap": [[AP of class k at threshold t] per class] (-1: no ground truth), "map": mAP@[.5:.95], "map50": mAP@0.5}
"""
import json
import sys

import numpy as np

data = json.load(sys.stdin)
iou_thrs = np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1, endpoint=True)
rec_thrs = np.linspace(.0, 1.00, int(np.round((1.00 - .0) / .01)) + 1, endpoint=True)
max_det = 100
T, R, K = len(iou_thrs), len(rec_thrs), data['classes']


def iou(d, g):
    """COCO's bbIou on xyxy boxes: intersection over union, 0 when they do not overlap."""
    w = min(d[2], g[2]) - max(d[0], g[0])
    h = min(d[3], g[3]) - max(d[1], g[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((d[2] - d[0]) * (d[3] - d[1]) + (g[2] - g[0]) * (g[3] - g[1]) - inter)


def evaluate_img(gt, dt):
    if not gt and not dt:
        return None
    order = np.argsort([-d['score'] for d in dt], kind='mergesort')
    dt = [dt[i] for i in order[:max_det]]
    ious = np.array([[iou(d['box'], g['box']) for g in gt] for d in dt]).reshape(len(dt), len(gt))
    gtm = np.zeros((T, len(gt)))
    dtm = np.zeros((T, len(dt)))
    for tind, t in enumerate(iou_thrs):
        for dind in range(len(dt)):
            best = min([t, 1 - 1e-10])
            m = -1
            for gind in range(len(gt)):
                if gtm[tind, gind] > 0:
                    continue
                if ious[dind, gind] < best:
                    continue
                best = ious[dind, gind]
                m = gind
            if m == -1:
                continue
            dtm[tind, dind] = 1
            gtm[tind, m] = 1
    return {'dtScores': [d['score'] for d in dt], 'dtMatches': dtm, 'n': len(gt)}


precision = -np.ones((T, R, K))
for k in range(K):
    E = [evaluate_img([g for g in im['truth'] if g['cls'] == k], [d for d in im['detections'] if d['cls'] == k]) for im in data['images']]
    E = [e for e in E if e is not None]
    if not E:
        continue
    scores = np.concatenate([e['dtScores'][0:max_det] for e in E])
    inds = np.argsort(-scores, kind='mergesort')
    dtm = np.concatenate([e['dtMatches'][:, 0:max_det] for e in E], axis=1)[:, inds]
    npig = sum(e['n'] for e in E)
    if npig == 0:
        continue
    tps = dtm.astype(bool)
    fps = np.logical_not(dtm)
    tp_sum = np.cumsum(tps, axis=1).astype(dtype=float)
    fp_sum = np.cumsum(fps, axis=1).astype(dtype=float)
    for t, (tp, fp) in enumerate(zip(tp_sum, fp_sum)):
        nd = len(tp)
        rc = tp / npig
        pr = (tp / (fp + tp + np.spacing(1))).tolist()
        q = np.zeros((R,))
        for i in range(nd - 1, 0, -1):
            if pr[i] > pr[i - 1]:
                pr[i - 1] = pr[i]
        found = np.searchsorted(rc, rec_thrs, side='left')
        try:
            for ri, pi in enumerate(found):
                q[ri] = pr[pi]
        except IndexError:
            pass
        precision[t, :, k] = q

ap = [[float(np.mean(precision[t, :, k])) if precision[t, 0, k] > -1 else -1 for t in range(T)] for k in range(K)]
valid = precision[precision > -1]
at50 = precision[0][precision[0] > -1]
print(json.dumps({'ap': ap, 'map': float(np.mean(valid)) if valid.size else -1, 'map50': float(np.mean(at50)) if at50.size else -1}))

"""Reference for test/unit/detection-boxes.test.ts: torchvision.ops on seeded random boxes, printed as JSON.

Boxes are [x1, y1, x2, y2] with positive width and height in a 64x64 image, rounded to 1/8 pixel so that
float32 (torch) and float64 (CNN Lab) see the same numbers; scores are distinct.
"""
import json
import sys

import torch
from torchvision.ops import batched_nms, box_iou, generalized_box_iou, nms

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
g = torch.Generator().manual_seed(seed)


def boxes(n):
    xy = torch.rand(n, 2, generator=g) * 48
    wh = torch.rand(n, 2, generator=g) * 24 + 1
    return torch.round(torch.cat([xy, xy + wh], 1) * 8) / 8


a, b = boxes(40), boxes(25)
scores = torch.randperm(200, generator=g)[:40].double() / 200
classes = torch.randint(0, 3, (40,), generator=g)
out = {
    'a': a.tolist(),
    'b': b.tolist(),
    'scores': scores.tolist(),
    'classes': classes.tolist(),
    'iou': box_iou(a.double(), b.double()).tolist(),
    'giou': generalized_box_iou(a.double(), b.double()).tolist(),
    'nms': {str(t): nms(a.double(), scores, t).tolist() for t in (0.1, 0.3, 0.5, 0.7)},
    'batched_nms': {str(t): batched_nms(a.double(), scores, classes, t).tolist() for t in (0.1, 0.5)},
}
print(json.dumps(out))

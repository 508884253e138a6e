"""PyTorch twin of CNN Lab's detection example: the model and recipe read from the same model file, trained by torch
on the very scenes and boxes CNN Lab trains on (exported by bench/detection-vs-pytorch.ts).

    /usr/bin/python3 bench/torch-detection.py examples/detector-shapes.cnn.yaml --data DIR [--epochs N] [--seed S]
        [--threads 1] [--json]

DIR holds data.json ({height, width, channels, classes, splits: {train|validation|test: count}}), per split
SPLIT-images.u8 (N×H×W×C bytes) and SPLIT-objects.json (per image, a list of [class, x1, y1, x2, y2] in pixels), and
model.py, CNN Lab's export of the model file, whose DetectionHead (an nn.Conv2d, class biases at the 1% prior) the
twin uses. The recipe, as docs/detection.md describes CNN Lab's: FCOS targets on the head's single map (a location is
positive inside a box and within 1.5 strides of its centre, the smallest box wins; l, t, r, b in strides;
centre-ness), the loss torchvision.ops.sigmoid_focal_loss (α 0.25, γ 2, summed) + generalized_box_iou_loss on the
positives' decoded boxes (ReLU distances) + BCE with logits on their centre-ness, each over the batch's positives
(at least 1); torch's default initialisation; Adam with the file's lr and batch size; the cosine schedule per epoch;
batches shuffled every epoch, the last short one trained; the test pass with the weights of the lowest validation loss.
Decoding: score √(σ(class)·σ(centre-ness)) > 0.05, the best 1000, torchvision.ops.batched_nms at IoU 0.6, at most
100 per image. mAP: scripts/coco-ap-reference.py (COCOeval's computation in numpy). Random streams differ from CNN
Lab's: the comparison is statistical.
"""
import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np
from twin_spec import build, read_spec, train_adam_cosine

SUPPORTED = {
    "train": {"epochs", "batch_size", "optimizer", "lr", "loss", "seed", "schedule"},
    "data": {"dataset", "validation_split", "train_samples", "test_samples"},
}
AP_REFERENCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "coco-ap-reference.py")


def load_recipe(path, epochs_override):
    spec = read_spec(path, SUPPORTED, lambda spec, train, data: [
        (spec.get("task") == "detection", "task: detection"),
        (train.get("optimizer", "adam") == "adam", "train.optimizer: adam"),
        (train.get("loss", "fcos") == "fcos", "train.loss: fcos"),
        ((train.get("schedule") or {"type": "cosine"}) == {"type": "cosine"}, "no schedule or {type: cosine}")])
    train = spec.get("train") or {}
    return {
        "name": spec.get("name", path),
        "layers": spec["layers"],
        "epochs": epochs_override or train.get("epochs", 10),
        "batch_size": train.get("batch_size", 64),
        "lr": train.get("lr", 1e-3),
        "seed": train.get("seed", 42),
        "cosine": (train.get("schedule") or {}).get("type") == "cosine",
    }


def load_split(folder, info, split):
    import torch

    n, h, w, c = info["splits"][split], info["height"], info["width"], info["channels"]
    images = np.fromfile(f"{folder}/{split}-images.u8", dtype=np.uint8).reshape(n, h, w, c).transpose(0, 3, 1, 2)
    objects = json.load(open(f"{folder}/{split}-objects.json"))
    return torch.tensor(images.copy(), dtype=torch.float32) / 255.0, objects


def fcos_targets(objects, k, gh, gw, stride):
    """[gh·gw, k + 6] per image: one-hot class, l t r b (strides), centre-ness, positive flag (fcosCoding.ts)."""
    t = np.zeros((gh * gw, k + 6), dtype=np.float32)
    for y in range(gh):
        for x in range(gw):
            px, py = (x + 0.5) * stride, (y + 0.5) * stride
            best, best_area = -1, None
            for j, (_, x1, y1, x2, y2) in enumerate(objects):
                if not (x1 < px < x2 and y1 < py < y2):
                    continue
                if abs(px - (x1 + x2) / 2) >= 1.5 * stride or abs(py - (y1 + y2) / 2) >= 1.5 * stride:
                    continue
                area = (x2 - x1) * (y2 - y1)
                if best < 0 or area < best_area:
                    best, best_area = j, area
            if best < 0:
                continue
            cls, x1, y1, x2, y2 = objects[best]
            l, tt, r, b = (px - x1) / stride, (py - y1) / stride, (x2 - px) / stride, (y2 - py) / stride
            at = y * gw + x
            t[at, int(cls)] = 1
            t[at, k:k + 4] = (l, tt, r, b)
            t[at, k + 4] = math.sqrt(min(l, r) / max(l, r) * min(tt, b) / max(tt, b))
            t[at, k + 5] = 1
    return t


def fcos_loss(output, target, k):
    """output [N, k + 5, H, W], target [N, H·W, k + 6] → the mean loss of the batch (detectionLosses.ts)."""
    import torch
    from torchvision.ops import generalized_box_iou_loss, sigmoid_focal_loss
    from torch.nn.functional import binary_cross_entropy_with_logits

    out = output.permute(0, 2, 3, 1).reshape(-1, k + 5)
    tgt = target.reshape(-1, k + 6)
    positive = tgt[:, k + 5] > 0
    count = positive.sum().clamp(min=1).float()
    classes = sigmoid_focal_loss(out[:, :k], tgt[:, :k], alpha=0.25, gamma=2, reduction="sum") / count
    d = torch.relu(out[positive, k:k + 4])
    g = tgt[positive, k:k + 4]
    # Boxes relative to the location (GIoU is shift- and scale-free): [−l, −t, r, b].
    pred = torch.stack([-d[:, 0], -d[:, 1], d[:, 2], d[:, 3]], 1)
    true = torch.stack([-g[:, 0], -g[:, 1], g[:, 2], g[:, 3]], 1)
    boxes = generalized_box_iou_loss(pred, true, reduction="sum") / count
    ctr = binary_cross_entropy_with_logits(out[positive, k + 4], tgt[positive, k + 4], reduction="sum") / count
    return classes + boxes + ctr


def decode(output, k, stride, width, height):
    """One image's detections from its head output [k + 5, H, W] (fcosDecode.ts, postprocess.ts)."""
    import torch
    from torchvision.ops import batched_nms

    _, gh, gw = output.shape
    out = output.permute(1, 2, 0).reshape(-1, k + 5)
    ys, xs = torch.meshgrid(torch.arange(gh), torch.arange(gw), indexing="ij")
    px, py = (xs.reshape(-1) + 0.5) * stride, (ys.reshape(-1) + 0.5) * stride
    d = torch.relu(out[:, k:k + 4]) * stride
    boxes = torch.stack([px - d[:, 0], py - d[:, 1], px + d[:, 2], py + d[:, 3]], 1)
    boxes[:, 0::2] = boxes[:, 0::2].clamp(0, width)
    boxes[:, 1::2] = boxes[:, 1::2].clamp(0, height)
    scores = torch.sqrt(torch.sigmoid(out[:, :k]) * torch.sigmoid(out[:, k + 4:k + 5]))
    loc, cls = torch.nonzero(scores > 0.05, as_tuple=True)
    s = scores[loc, cls]
    top = torch.argsort(s, descending=True, stable=True)[:1000]
    loc, cls, s = loc[top], cls[top], s[top]
    keep = batched_nms(boxes[loc], s, cls, 0.6)[:100]
    return [{"cls": int(cls[i]), "score": float(s[i]), "box": boxes[loc[i]].tolist()} for i in keep]


def evaluate(model, x, targets, objects, k, stride, batch, with_map):
    """Mean loss per image, and COCO's mAP@0.5 and mAP@[.5:.95] (scripts/coco-ap-reference.py) when with_map."""
    import torch

    model.eval()
    loss_sum, images = 0.0, []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out = model(x[i:i + batch])
            loss_sum += fcos_loss(out, targets[i:i + batch], k).item() * len(out)
            if with_map:
                for j, o in enumerate(out):
                    truth = [{"cls": int(c), "box": [x1, y1, x2, y2]} for c, x1, y1, x2, y2 in objects[i + j]]
                    images.append({"truth": truth, "detections": decode(o, k, stride, x.shape[3], x.shape[2])})
    result = {"loss": loss_sum / len(x)}
    if with_map:
        ap = subprocess.run([sys.executable, AP_REFERENCE], input=json.dumps({"classes": k, "images": images}), capture_output=True, text=True, check=True)
        figures = json.loads(ap.stdout)
        result.update(map50=figures["map50"], map=figures["map"])
    return result


def main():
    import torch

    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    recipe = load_recipe(args.model, args.epochs)
    seed = recipe["seed"] if args.seed is None else args.seed
    torch.manual_seed(seed)
    sys.path.insert(0, args.data)
    from model import DetectionHead

    info = json.load(open(f"{args.data}/data.json"))
    k = len(info["classes"])
    model = build(recipe["layers"], {"DetectionHead": DetectionHead})
    splits = {}
    for split in ("train", "validation", "test"):
        x, objects = load_split(args.data, info, split)
        _, _, gh, gw = model.eval()(x[:1]).shape
        stride = info["height"] / gh
        targets = torch.tensor(np.stack([fcos_targets(o, k, gh, gw, stride) for o in objects]))
        splits[split] = (x, targets, objects)
    batch = recipe["batch_size"]
    train_x, train_t, _ = splits["train"]

    def validate():
        val = evaluate(model, *splits["validation"], k, stride, batch, True)
        return {"loss": val["loss"], "valMap50": val["map50"], "valMap": val["map"]}

    def say(epoch, val):
        if not args.json:
            print(f"epoch {epoch}: val_loss {val['loss']:.4f} val_map50 {val['valMap50']:.3f} val_map {val['valMap']:.3f}", flush=True)

    best, speed, log = train_adam_cosine(model, recipe, len(train_x), lambda idx: fcos_loss(model(train_x[idx]), train_t[idx], k), validate, say)
    model.load_state_dict(best)
    test = evaluate(model, *splits["test"], k, stride, batch, True)
    result = {"model": recipe["name"], "seed": seed, "epochs": recipe["epochs"], "trainSamples": len(train_x), "samplesPerSecond": speed,
              "testMap50": test["map50"], "testMap": test["map"], "testLoss": test["loss"], "epochLog": log}
    print(json.dumps(result) if args.json else f"test mAP@0.5 {test['map50']:.4f}, mAP@[.5:.95] {test['map']:.4f}, {speed:.1f} samples/s")


if __name__ == "__main__":
    main()

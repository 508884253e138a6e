"""PyTorch twin of CNN Lab's segmentation examples: the model and recipe read from the same model file, trained by
torch on the very images and masks CNN Lab trains on (exported by bench/segmentation-vs-pytorch.ts).

    /usr/bin/python3 bench/torch-segmentation.py examples/unet-shapes.cnn.yaml --data DIR [--epochs N]
        [--seed S] [--threads 1] [--json]

DIR holds data.json ({height, width, channels, classes, splits: {train|validation|test: count}}) and, per split,
SPLIT-images.u8 (N×H×W×C bytes) and SPLIT-masks.u8 (N×H×W class indices). The model file gives the rest (python3-yaml
reads it, not CNN Lab's parser): the layers, each item `nn.<call>`, with the graph syntax of the examples
(`name = Layer(…)` names an output, `Layer(…)(name)` takes one, `concat(a, b)` joins along the channels, as
torch.cat(dim=1)); torch's default initialisation (the scheme CNN Lab copies); Adam with the file's lr and batch size;
the cosine schedule per epoch (CosineAnnealingLR, T_max = epochs); per-pixel cross-entropy with ignore_index
(train.ignore_index, 255), optional train.class_weights; the epochs; pixels bytes / 255 without normalisation. As in
CNN Lab, batches are shuffled every epoch, the last short batch is trained, and the test pass uses the weights of the
epoch with the lowest validation loss. Random streams (init, order) differ from CNN Lab's: the comparison is
statistical.

It prints the training samples per second (training loop only, data in memory) and the test mean IoU over classes
(IoU = TP / (TP + FP + FN) from the pixel confusion matrix, ignored pixels left out, a class with neither truth nor
prediction left out of the mean), as CNN Lab computes it.
"""
import argparse
import json

import numpy as np
from twin_spec import build, read_spec, train_adam_cosine

SUPPORTED = {
    "train": {"epochs", "batch_size", "optimizer", "lr", "loss", "seed", "schedule", "ignore_index", "class_weights"},
    "data": {"dataset", "validation_split", "train_samples", "test_samples"},
}


def load_recipe(path, epochs_override):
    spec = read_spec(path, SUPPORTED, lambda spec, train, data: [
        (spec.get("task") == "segmentation", "task: segmentation"),
        (train.get("optimizer", "adam") == "adam", "train.optimizer: adam"),
        (train.get("loss", "cross_entropy") == "cross_entropy", "train.loss: cross_entropy"),
        ((train.get("schedule") or {"type": "cosine"}) == {"type": "cosine"}, "no schedule or {type: cosine}")])
    train = spec.get("train") or {}
    schedule = (train.get("schedule") or {}).get("type")
    return {
        "name": spec.get("name", path),
        "layers": spec["layers"],
        "epochs": epochs_override or train.get("epochs", 10),
        "batch_size": train.get("batch_size", 64),
        "lr": train.get("lr", 1e-3),
        "seed": train.get("seed", 42),
        "cosine": schedule == "cosine",
        "ignore_index": train.get("ignore_index", 255),
        "class_weights": train.get("class_weights"),
    }


def load_split(folder, info, split):
    import torch

    n, h, w, c = info["splits"][split], info["height"], info["width"], info["channels"]
    images = np.fromfile(f"{folder}/{split}-images.u8", dtype=np.uint8).reshape(n, h, w, c).transpose(0, 3, 1, 2)
    masks = np.fromfile(f"{folder}/{split}-masks.u8", dtype=np.uint8).reshape(n, h, w)
    return torch.tensor(images.copy(), dtype=torch.float32) / 255.0, torch.tensor(masks.astype(np.int64))


def evaluate(model, x, y, k, ignore, loss_fn, batch):
    """Mean loss per image and the pixel confusion matrix of a pass (ignored pixels left out)."""
    import torch

    model.eval()
    confusion = torch.zeros(k, k, dtype=torch.float64)
    loss_sum = 0.0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            out = model(x[i : i + batch])
            t = y[i : i + batch]
            loss_sum += loss_fn(out, t).item() * len(t)
            pred = out.argmax(1)
            keep = t != ignore
            confusion += torch.bincount(t[keep] * k + pred[keep], minlength=k * k).reshape(k, k).double()
    return loss_sum / len(x), confusion


def mean_iou(confusion):
    tp = confusion.diag()
    union = confusion.sum(0) + confusion.sum(1) - tp
    present = union > 0
    return float((tp[present] / union[present]).mean()), float(tp.sum() / confusion.sum())


def main():
    import torch
    import torch.nn as nn

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
    info = json.load(open(f"{args.data}/data.json"))
    k = len(info["classes"])
    train_x, train_y = load_split(args.data, info, "train")
    val_x, val_y = load_split(args.data, info, "validation")
    test_x, test_y = load_split(args.data, info, "test")
    model = build(recipe["layers"])
    weights = None if recipe["class_weights"] is None else torch.tensor(recipe["class_weights"], dtype=torch.float32)
    loss_fn = nn.CrossEntropyLoss(weight=weights, ignore_index=recipe["ignore_index"])
    batch = recipe["batch_size"]

    def validate():
        val_loss, val_confusion = evaluate(model, val_x, val_y, k, recipe["ignore_index"], loss_fn, batch)
        return {"loss": val_loss, "valMeanIou": mean_iou(val_confusion)[0]}

    def say(epoch, val):
        if not args.json:
            print(f"epoch {epoch}: val_loss {val['loss']:.4f} val_miou {val['valMeanIou']:.3f}", flush=True)

    best, speed, log = train_adam_cosine(model, recipe, len(train_x), lambda idx: loss_fn(model(train_x[idx]), train_y[idx]), validate, say)
    model.load_state_dict(best)
    test_loss, confusion = evaluate(model, test_x, test_y, k, recipe["ignore_index"], loss_fn, batch)
    miou, pixel_accuracy = mean_iou(confusion)
    result = {"model": recipe["name"], "seed": seed, "epochs": recipe["epochs"], "trainSamples": len(train_x), "samplesPerSecond": speed,
              "testMeanIou": miou, "testAccuracy": pixel_accuracy, "testLoss": test_loss, "epochLog": log}
    print(json.dumps(result) if args.json else f"test mIoU {miou:.4f}, pixel accuracy {pixel_accuracy:.4f}, {speed:.1f} samples/s")


if __name__ == "__main__":
    main()

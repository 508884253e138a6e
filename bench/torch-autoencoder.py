"""PyTorch twin of CNN Lab's autoencoder examples: the recipe read from the same model file, trained by torch.

    /usr/bin/python3 bench/torch-autoencoder.py examples/anomaly-autoencoder.cnn.yaml [--epochs N]
        [--max-train-samples N] [--threads 1] [--data /usr/share/datasets/fashion-mnist] [--json]
    /usr/bin/python3 bench/torch-autoencoder.py --auroc-of RUN/reconstructions.json
    /usr/bin/python3 bench/torch-autoencoder.py MODEL.cnn.yaml --lockstep STATE.json --steps N

The model file gives everything (python3-yaml reads it, not CNN Lab's parser): the layers, each evaluated as
`nn.<call>`; the torch default initialisation, which is the scheme CNN Lab copies (kaiming_uniform_(a=√5), i.e.
U(±1/√fan_in) for Conv2d, ConvTranspose2d and Linear weights and biases); Adam with the file's lr and batch size; mse;
the epochs; data.validation_split; data.include_classes (train and validation keep those classes, the test set
keeps all); data.noise.gaussian (clipped to [0, 1], on the input of every pass, the target stays clean). Pixels
are bytes / 255 with no normalisation, as task reconstruction does by default. As in CNN Lab, the validation set
is split off before include_classes filters it, --max-train-samples caps training and validation in the same
proportion, the last short batch is trained, and the test pass uses the weights of the epoch with the lowest
validation loss. Random streams (split, order, init) differ from CNN Lab's: the comparison is statistical.

It prints the training samples per second (training loop only, data already in memory), the test MSE per
element in [0, 1] pixel units, and with include_classes the ROC AUC of "the image's reconstruction error flags
a class left out of training", computed here by Mann–Whitney ranks (ties get their mean rank) rather than by
CNN Lab's threshold sweep. `--auroc-of` applies that computation to a CNN Lab run's reconstructions.json, to
check CNN Lab's own AUROC independently. `--lockstep` starts from CNN Lab's initial weights (a state dict in torch's
layout) and prints the loss of each of N steps on the first N batches of the training file, in file order, for
bench/autoencoder-lockstep.ts to compare with CNN Lab's losses on the same steps.
"""
import argparse
import gzip
import json
import struct
import time

import numpy as np
from twin_spec import read_spec

FASHION_MNIST = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SUPPORTED = {
    "train": {"epochs", "batch_size", "optimizer", "lr", "loss", "seed"},
    "data": {"dataset", "validation_split", "include_classes", "noise"},
}


def auroc(scores, positive):
    """P(score of a random positive > score of a random negative), ties counting one half: the Mann–Whitney U
    statistic over P·N, with tied scores given their mean rank. None when either class is empty."""
    scores = np.asarray(scores, dtype=np.float64)
    positive = np.asarray(positive, dtype=bool)
    p, n = int(positive.sum()), int((~positive).sum())
    if p == 0 or n == 0:
        return None
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(len(scores), dtype=np.float64)
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1  # ranks are 1-based; a tie group shares its mean rank
        i = j + 1
    u = ranks[positive].sum() - p * (p + 1) / 2
    return float(u / (p * n))


def auroc_of_run(path):
    """AUROC of a CNN Lab reconstructions.json (per-image errors and labels, the included classes)."""
    run = json.load(open(path))
    anomaly = run.get("anomaly")
    if not anomaly:
        raise SystemExit(f"{path}: no anomaly section (the run had no data.include_classes)")
    normal = set(anomaly["includedClasses"])
    return auroc(run["errors"], [label not in normal for label in run["labels"]])


def load_recipe(path, epochs_override):
    spec = read_spec(path, SUPPORTED, lambda spec, train, data: [
        (spec.get("task") == "reconstruction", "task: reconstruction"),
        (data.get("dataset") == "fashion-mnist", "data.dataset: fashion-mnist"),
        (train.get("optimizer", "adam") == "adam", "train.optimizer: adam"),
        (train.get("loss", "mse") == "mse", "train.loss: mse"),
        (set(data.get("noise") or {}) <= {"gaussian"}, "data.noise: gaussian only")])
    train, data = spec.get("train") or {}, spec.get("data") or {}
    classes = spec.get("classes") or FASHION_MNIST
    include = data.get("include_classes")
    return {
        "name": spec.get("name", path),
        "layers": spec["layers"],
        "epochs": epochs_override or train.get("epochs", 10),
        "batch_size": train.get("batch_size", 32),
        "lr": train.get("lr", 1e-3),
        "seed": train.get("seed", 0),
        "validation_split": data.get("validation_split", 0.1),
        "include": None if include is None else sorted(c if isinstance(c, int) else classes.index(c) for c in include),
        "noise": (data.get("noise") or {}).get("gaussian", 0.0),
    }


def images(folder, name):
    raw = gzip.open(f"{folder}/{name}").read()
    n, r, c = struct.unpack(">III", raw[4:16])
    return np.frombuffer(raw, np.uint8, offset=16).reshape(n, 1, r, c)


def labels(folder, name):
    return np.frombuffer(gzip.open(f"{folder}/{name}").read(), np.uint8, offset=8)


def load_data(folder, recipe, max_train, rng):
    """Train/validation split, include_classes, then the cap (CNN Lab's order), as float32 [0, 1] tensors."""
    import torch

    x, y = images(folder, "train-images-idx3-ubyte.gz"), labels(folder, "train-labels-idx1-ubyte.gz")
    order = rng.permutation(len(x))
    cut = round(recipe["validation_split"] * len(x))
    val_i, train_i = np.sort(order[:cut]), np.sort(order[cut:])
    if recipe["include"] is not None:
        keep = np.isin(y, recipe["include"])
        train_i, val_i = train_i[keep[train_i]], val_i[keep[val_i]]
    if max_train and max_train < len(train_i):
        val_max = round(len(val_i) * max_train / len(train_i))
        train_i = np.sort(rng.choice(train_i, max_train, replace=False))
        val_i = np.sort(rng.choice(val_i, val_max, replace=False))
    as_float = lambda a: torch.tensor(a, dtype=torch.float32) / 255.0
    return as_float(x[train_i]), as_float(x[val_i]), as_float(images(folder, "t10k-images-idx3-ubyte.gz")), labels(folder, "t10k-labels-idx1-ubyte.gz")


def lockstep(model, opt, recipe, state_file, steps, folder):
    """Losses of `steps` optimizer steps from the given weights on the first batches of the training file, in order."""
    import torch
    import torch.nn as nn

    state = json.load(open(state_file))
    model.load_state_dict({k: torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"]) for k, v in state.items()}, strict=True)
    batch = recipe["batch_size"]
    x = torch.tensor(images(folder, "train-images-idx3-ubyte.gz")[: steps * batch], dtype=torch.float32) / 255.0
    model.train()
    losses = []
    for s in range(steps):
        clean = x[s * batch : (s + 1) * batch]
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(clean), clean)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model", nargs="?")
    p.add_argument("--auroc-of")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=0)
    p.add_argument("--max-train-samples", type=int, default=0)
    p.add_argument("--lockstep", help="a state dict (JSON) to start from: print the losses of --steps fixed batches")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--seed", type=int, help="instead of the file's train.seed (to see the spread over seeds)")
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    if a.auroc_of:
        print(json.dumps({"auroc": auroc_of_run(a.auroc_of)}))
        return
    if not a.model:
        p.error("expected a model file (or --auroc-of FILE)")

    import torch
    import torch.nn as nn

    recipe = load_recipe(a.model, a.epochs)
    if a.seed is not None:
        recipe["seed"] = a.seed
    torch.set_num_threads(a.threads)
    torch.manual_seed(recipe["seed"])
    rng = np.random.default_rng(recipe["seed"])
    xtr, xval, xte, yte = load_data(a.data, recipe, a.max_train_samples, rng)
    model = nn.Sequential(*[eval("nn." + layer, {"nn": nn}) for layer in recipe["layers"]])
    opt = torch.optim.Adam(model.parameters(), lr=recipe["lr"])
    if a.lockstep:
        print(json.dumps({"losses": lockstep(model, opt, recipe, a.lockstep, a.steps, a.data)}))
        return
    noise_gen = torch.Generator().manual_seed(recipe["seed"] + 1)

    def noisy(x, generator):
        if not recipe["noise"]:
            return x
        return (x + recipe["noise"] * torch.randn(x.shape, generator=generator)).clamp_(0, 1)

    def per_image_errors(x):
        """Mean squared error of each image, inputs noisy with a fixed seed (CNN Lab's evaluation passes)."""
        generator = torch.Generator().manual_seed(recipe["seed"] + 2)
        model.eval()
        with torch.no_grad():
            out = [((model(noisy(x[i : i + 500], generator)) - x[i : i + 500]) ** 2).flatten(1).mean(1) for i in range(0, len(x), 500)]
        return torch.cat(out).double().numpy()

    batch, seen, train_s = recipe["batch_size"], 0, 0.0
    best_loss, best_state, best_epoch = float("inf"), None, 0
    for epoch in range(recipe["epochs"]):
        model.train()
        order = torch.randperm(len(xtr))
        t = time.perf_counter()
        for i in range(0, len(xtr), batch):
            clean = xtr[order[i : i + batch]]
            opt.zero_grad()
            nn.functional.mse_loss(model(noisy(clean, noise_gen)), clean).backward()
            opt.step()
        train_s += time.perf_counter() - t
        seen += len(xtr)
        val_loss = float(per_image_errors(xval).mean()) if len(xval) else 0.0
        if val_loss < best_loss:
            best_loss, best_epoch = val_loss, epoch + 1
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    errors = per_image_errors(xte)
    result = {"peer": f"pytorch {torch.__version__}", "model": recipe["name"], "threads": a.threads, "epochs": recipe["epochs"],
              "trainSamples": len(xtr), "validationSamples": len(xval), "bestEpoch": best_epoch,
              "samplesPerSecond": round(seen / train_s, 1), "testMse": float(errors.mean()), "anomalyAuroc": None}
    if recipe["include"] is not None:
        result["anomalyAuroc"] = auroc(errors, ~np.isin(yte, recipe["include"]))
    if a.json:
        print(json.dumps(result))
    else:
        auc = "" if result["anomalyAuroc"] is None else f", anomaly AUROC {result['anomalyAuroc']:.4f}"
        print(f"{result['peer']}: {result['samplesPerSecond']} samples/s, test MSE {result['testMse']:.5f}{auc}")


if __name__ == "__main__":
    main()

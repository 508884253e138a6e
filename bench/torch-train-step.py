"""PyTorch's side of `npm run bench:speed -- --model FILE --per-cpu`: training steps of a classification model file
(e.g. examples/fashion-bn-augment.cnn.yaml) on Fashion-MNIST, with its recipe's batch size, Adam (lr, weight decay),
normalisation and augmentation (horizontal flip, random crop after padding) done per batch on tensors.

Usage: torch-train-step.py MODEL_FILE STEPS THREADS [--warmup N] [--profile]
N warm-up steps (default 5), then STEPS timed ones (batch preparation included). Prints JSON {threads, steps, batch,
samplesPerSecond, samplesPerCpuSecond}; with --profile first prints torch.profiler's table of self CPU time per op.
"""
import gzip, json, os, sys, time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from twin_spec import build, read_spec  # noqa: E402

path, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
profile = "--profile" in sys.argv
warmup = int(sys.argv[sys.argv.index("--warmup") + 1]) if "--warmup" in sys.argv else 5
torch.set_num_threads(threads)
torch.manual_seed(0)

spec = read_spec(
    path,
    {"data": {"dataset", "validation_split", "normalize", "augment"}},
    lambda spec, train, data: [(data.get("dataset") == "fashion-mnist", "data.dataset: fashion-mnist")],
)
train, data = spec.get("train") or {}, spec["data"]
augment = data.get("augment") or {}
batch = int(train.get("batch_size", 32))
model = build(spec["layers"]).train()
opt = torch.optim.Adam(model.parameters(), lr=float(train.get("lr", 0.001)), weight_decay=float(train.get("weight_decay", 0)))

with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
    images = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).copy())
with gzip.open("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz") as f:
    labels = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64))
norm = data.get("normalize") or {"mean": [0.0], "std": [1.0]}
mean, std = float(norm["mean"][0]), float(norm["std"][0])
pad = int((augment.get("random_crop") or {}).get("padding", 0))


def batch_of(indices):
    x = images[indices].float().div_(255).sub_(mean).div_(std)
    if augment.get("horizontal_flip"):
        flip = torch.rand(len(indices)) < 0.5
        x[flip] = x[flip].flip(3)
    if pad:
        padded = torch.nn.functional.pad(x, (pad, pad, pad, pad))
        dx, dy = torch.randint(0, 2 * pad + 1, (2, len(indices))).tolist()
        x = torch.stack([padded[i, :, b:b + 28, a:a + 28] for i, (a, b) in enumerate(zip(dx, dy))])
    return x, labels[indices]


order = torch.randperm(len(labels))


def step(i):
    x, y = batch_of(order[(i * batch) % len(labels):][:batch])
    opt.zero_grad(set_to_none=True)
    torch.nn.functional.cross_entropy(model(x), y).backward()
    opt.step()


for i in range(warmup):
    step(i)
if profile:
    from torch.profiler import ProfilerActivity, profile as torch_profile

    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        for i in range(warmup, warmup + min(steps, 20)):
            step(i)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25))
wall, cpu = time.perf_counter(), time.process_time()
for i in range(warmup, warmup + steps):
    step(i)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"threads": threads, "steps": steps, "batch": batch, "samplesPerSecond": steps * batch / wall, "samplesPerCpuSecond": steps * batch / cpu}))

"""The reference CNN (bench/reference-cnn.cnn.yaml, as /work/shared/peer/torch_reference.py builds it) trained by
PyTorch on a CUDA GPU, for bench/webgpu-vs-wasm.ts: training samples/s (training loop only, data already on the GPU,
synchronised before the clock stops) and test accuracy, as one JSON line. Without CUDA it prints {"cuda": false, ...}.

    /usr/bin/python3 bench/torch-cuda.py [--epochs 1] [--batch-size 64] [--max-train-samples N]
"""
import argparse, gzip, json, struct, time
import numpy as np
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--epochs", type=int, default=1)
p.add_argument("--batch-size", type=int, default=64)
p.add_argument("--max-train-samples", type=int, default=0)
a = p.parse_args()
if not torch.cuda.is_available():
    print(json.dumps({"cuda": False, "reason": f"torch {torch.__version__}: torch.cuda.is_available() is False"}))
    raise SystemExit(0)
dev = torch.device("cuda")
torch.manual_seed(0)


def images(name):
    b = gzip.open(f"{a.data}/{name}").read()
    n, r, c = struct.unpack(">III", b[4:16])
    return np.frombuffer(b, np.uint8, offset=16).reshape(n, 1, r, c)


def labels(name):
    return np.frombuffer(gzip.open(f"{a.data}/{name}").read(), np.uint8, offset=8)


def tensor(x):
    return ((torch.tensor(x, dtype=torch.float32) / 255.0 - 0.5) / 0.5).to(dev)


xtr, ytr = tensor(images("train-images-idx3-ubyte.gz")), torch.tensor(labels("train-labels-idx1-ubyte.gz"), dtype=torch.long, device=dev)
xte, yte = tensor(images("t10k-images-idx3-ubyte.gz")), torch.tensor(labels("t10k-labels-idx1-ubyte.gz"), dtype=torch.long, device=dev)
if a.max_train_samples:
    xtr, ytr = xtr[: a.max_train_samples], ytr[: a.max_train_samples]

model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10)).to(dev)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()

seen, train_s = 0, 0.0
for epoch in range(a.epochs):
    model.train()
    order = torch.randperm(len(xtr), device=dev)
    torch.cuda.synchronize()
    t = time.perf_counter()
    for i in range(0, len(xtr), a.batch_size):
        idx = order[i : i + a.batch_size]
        opt.zero_grad()
        loss_fn(model(xtr[idx]), ytr[idx]).backward()
        opt.step()
        seen += len(idx)
    torch.cuda.synchronize()
    train_s += time.perf_counter() - t

model.eval()
with torch.no_grad():
    correct = sum(int((model(xte[i : i + 1000]).argmax(1) == yte[i : i + 1000]).sum()) for i in range(0, len(xte), 1000))
print(json.dumps({"cuda": True, "device": torch.cuda.get_device_name(0), "samplesPerSecond": seen / train_s, "testAccuracy": correct / len(xte)}))

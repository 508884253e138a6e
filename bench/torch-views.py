"""PyTorch's time for the gradient passes behind the inspector's views, for `npm run bench:views` (same machine, same
run): the input gradient of one class score for one image (saliency, Grad-CAM, guided backprop each cost one such
pass), 25 noisy copies in one batch (SmoothGrad) and 32 images' central-unit gradients (the effective receptive
field). The two models are examples/fashion-mnist.cnn.yaml and examples/resnet-mini.cnn.yaml written in torch.nn.
Prints one JSON object: {model: {pass: milliseconds}} (median of 5 after a warm-up), with --threads N (default 1).
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn


def fashion():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10)).eval()


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout))
        self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return torch.relu(self.body(x) + self.proj(x))


def resnet_mini():
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
        Block(16, 16, 1), Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)).eval()


def timed(f):
    f()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        f()
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times)


def passes(model, shape, block_end):
    # The inspector's default layer: the last convolution block's output (its ReLU).
    body = model[:block_end]

    def score_grad(n):
        x = torch.randn(n, *shape, requires_grad=True)
        model(x)[:, 0].sum().backward()

    def central_grad(n):
        x = torch.randn(n, *shape, requires_grad=True)
        out = body(x)
        out[:, :, out.shape[2] // 2, out.shape[3] // 2].sum().backward()

    return {
        'input gradient (1 image)': timed(lambda: score_grad(1)),
        'input gradient (25 copies)': timed(lambda: score_grad(25)),
        'central-unit gradient (32 images)': timed(lambda: central_grad(32)),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(json.dumps({'fashion-mnist': passes(fashion(), (1, 28, 28), 5), 'resnet-mini': passes(resnet_mini(), (3, 32, 32), 7)}))


main()

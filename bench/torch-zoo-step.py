"""PyTorch's side of `npm run bench:speed -- --model resnet18`: forward and backward passes of a torchvision model.

Usage: torch-zoo-step.py NAME SIZE BATCH STEPS THREADS. Random weights and images, train mode (BatchNorm on batch
statistics), cross-entropy against random labels, loss.backward() (no optimizer step); two warm-up steps, then
STEPS timed ones. Prints JSON {threads, imagesPerSecond, imagesPerCpuSecond}.
"""
import json, sys, time

import torch
import torchvision

name, size, batch, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
torch.manual_seed(0)
model = getattr(torchvision.models, name)(weights=None).train()
x = torch.randn(batch, 3, size, size)
y = torch.randint(0, 1000, (batch,))


def step():
    model.zero_grad(set_to_none=True)
    torch.nn.functional.cross_entropy(model(x), y).backward()


for _ in range(2):
    step()
wall, cpu = time.perf_counter(), time.process_time()
for _ in range(steps):
    step()
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({'threads': torch.get_num_threads(), 'imagesPerSecond': steps * batch / wall, 'imagesPerCpuSecond': steps * batch / cpu}))

"""Guided backprop, deconvnet and Grad-CAM of a small residual CNN in PyTorch, written by hand (no captum), for
test/unit/inspect-visualise-torch.test.ts. Reads {"x": NCHW data, "weights": {name: {shape, data}}, "cls": int} on
stdin and writes the reference maps as JSON on stdout.

The model (torch order; the test builds the same one from a .cnn.yaml):
  conv1 Conv2d(2, 4, 3, padding=1) -> bn1 BatchNorm2d(4) -> ReLU
  -> residual [conv2 Conv2d(4, 4, 3, padding=1) -> ReLU -> conv3 Conv2d(4, 4, 3, padding=1)] + identity
  -> ReLU -> MaxPool2d(2) -> Flatten -> fc Linear(64, 3)
"""
import json
import sys

import torch
import torch.nn.functional as F


class Rule(torch.autograd.Function):
    """ReLU forward; backward by the guided rule (dy > 0 and x > 0) or the deconvnet rule (dy > 0)."""

    mode = "guided"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        if Rule.mode == "guided":
            return dy.clamp(min=0) * (x > 0).float()
        if Rule.mode == "deconvnet":
            return dy.clamp(min=0)
        return dy * (x > 0).float()


def relu(x):
    return Rule.apply(x)


def tensor(entry):
    return torch.tensor(entry["data"], dtype=torch.float32).reshape(entry["shape"])


def main():
    req = json.load(sys.stdin)
    w = {k: tensor(v) for k, v in req["weights"].items()}
    cls = req["cls"]

    def forward(x, probe=None, keep=None):
        h = F.conv2d(x, w["conv1.weight"], w["conv1.bias"], padding=1)
        h = F.batch_norm(h, w["bn1.running_mean"], w["bn1.running_var"], w["bn1.weight"], w["bn1.bias"], False, 0.1, 1e-5)
        h = relu(h)
        r = relu(F.conv2d(h, w["conv2.weight"], w["conv2.bias"], padding=1))
        r = F.conv2d(r, w["conv3.weight"], w["conv3.bias"], padding=1)
        if probe is not None:
            r = r + probe
        if keep is not None:
            keep.append(r)
        h = relu(h + r)
        h = F.max_pool2d(h, 2)
        return F.linear(h.flatten(1), w["fc.weight"], w["fc.bias"]), h

    x0 = tensor(req["x"])
    out = {}
    for mode in ("guided", "deconvnet"):
        Rule.mode = mode
        x = x0.clone().requires_grad_(True)
        scores, pooled = forward(x)
        if mode == "guided":
            scores[0, cls].backward()
        else:
            # The strongest unit of the pooled layer's output.
            flat = pooled.flatten()
            index = int(flat.argmax())
            _, c, h, w_ = pooled.shape
            out["deconvUnit"] = [index // (h * w_), (index // w_) % h, index % w_]
            flat[index].backward()
        out[mode] = x.grad.permute(0, 2, 3, 1).flatten().tolist()

    Rule.mode = "plain"
    keep = []
    probe = torch.zeros(1, 4, 8, 8, requires_grad=True)
    scores, _ = forward(x0, probe, keep)
    scores[0, cls].backward()
    alpha = probe.grad.mean(dim=(2, 3))[0]
    cam = F.relu((alpha[:, None, None] * keep[0][0].detach()).sum(0))
    out["camWeights"] = alpha.tolist()
    out["cam"] = cam.flatten().tolist()
    json.dump(out, sys.stdout)


main()

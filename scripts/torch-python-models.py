#!/usr/bin/env python3
"""Runs PyTorch model definitions (test/fixtures/pytorch) and reports what torch computes for each model.

stdin: JSON list of {"cells": [code, ...], "models": [{"name", "kind", "input"}]}; cells run in order in one
namespace (a cell that builds a torchvision dataset is skipped: no downloads at test time). For each model: the
class built with no arguments, the nn.Sequential variable, or the function that returns one, run on zeros of
shape [1, *input] in eval mode. stdout: JSON {name: {"params", "output", "calls": [[type, shape], ...]}} where
calls are the weighted layers (Conv2d, ConvTranspose2d, Linear, BatchNorm) in the order forward runs them.
"""
import contextlib
import io
import json
import sys

import torch
import torch.nn as nn

WEIGHTED = (nn.Conv2d, nn.ConvTranspose2d, nn.Linear, nn.BatchNorm1d, nn.BatchNorm2d)


def build(env, model):
    obj = env[model["name"]]
    if isinstance(obj, nn.Module):
        return obj
    return obj()


def measure(module, shape):
    calls = []
    hooks = [m.register_forward_hook(lambda m, i, o: calls.append([type(m).__name__, list(o.shape[1:])]))
             for m in module.modules() if isinstance(m, WEIGHTED)]
    module.eval()
    with torch.no_grad():
        out = module(torch.zeros(1, *shape))
    for h in hooks:
        h.remove()
    return {"params": sum(p.numel() for p in module.parameters()), "output": list(out.shape[1:]), "calls": calls}


def main():
    results = {}
    for case in json.load(sys.stdin):
        env = {"__name__": "cnnlab_fixture"}
        for cell in case["cells"]:
            if "datasets." in cell:
                continue
            with contextlib.redirect_stdout(io.StringIO()):  # the cells' prints are not the report
                exec(compile(cell, "<fixture>", "exec"), env)
        for model in case["models"]:
            results[model["name"]] = measure(build(env, model), model["input"])
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()

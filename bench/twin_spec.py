"""Reading a CNN Lab model file for a PyTorch twin (bench/torch-*.py): python3-yaml reads it, not CNN Lab's parser, and
building its layers as a torch module."""
import re

MERGE = re.compile(r"^(concat|add|multiply)\((.*)\)$")
FROM = re.compile(r"^(.*\))\((\w+)\)$")
NAMED = re.compile(r"^(\w+)\s*=\s*(.*)$")


def read_spec(path, supported, needs):
    """The model file as a dict, after checking that it uses only the keys the twin implements (`supported`: section →
    keys), that each (condition on the spec, what it needs) of `needs(spec)` holds, and that layers are calls."""
    import yaml

    spec = yaml.safe_load(open(path))
    for section, allowed in supported.items():
        extra = set(spec.get(section) or {}) - allowed
        if extra:
            raise SystemExit(f"{path}: the twin does not implement {section}.{', '.join(sorted(extra))}")
    for ok, need in needs(spec, spec.get("train") or {}, spec.get("data") or {}):
        if not ok:
            raise SystemExit(f"{path}: the twin needs {need}")
    if any(not isinstance(item, str) for item in spec["layers"]):
        raise SystemExit(f"{path}: the twin reads layers written as calls, e.g. Conv2d(1, 16, 3)")
    return spec


def build(layers, modules_by_name=None):
    """The items as a module whose forward runs them top to bottom: each takes the item above, or a named output.
    A call names a torch.nn module, or one of `modules_by_name` (e.g. DetectionHead)."""
    import torch
    import torch.nn as nn

    steps = []  # (name or None, kind, payload, source or None)
    modules = nn.ModuleList()
    for item in layers:
        item = item.split("#")[0].strip()
        named = NAMED.match(item)
        name, expr = (named.group(1), named.group(2).strip()) if named and not item.startswith(("concat", "add", "multiply")) else (None, item)
        merge = MERGE.match(expr)
        if merge:
            steps.append((name, merge.group(1), [a.strip() for a in merge.group(2).split(",")], None))
            continue
        source = FROM.match(expr)
        call, src = (source.group(1), source.group(2)) if source else (expr, None)
        modules.append(eval(call, {**vars(nn), **(modules_by_name or {})}))
        steps.append((name, "layer", len(modules) - 1, src))

    class Graph(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = modules

        def forward(self, x):
            names = {"input": x}
            for name, kind, payload, src in steps:
                if kind == "layer":
                    x = self.layers[payload](names[src] if src else x)
                elif kind == "concat":
                    x = torch.cat([names[a] for a in payload], dim=1)
                elif kind == "add":
                    x = sum(names[a] for a in payload)
                else:
                    x = names[payload[0]]
                    for a in payload[1:]:
                        x = x * names[a]
                if name:
                    names[name] = x
            return x

    return Graph()


def train_adam_cosine(model, recipe, count, loss_of, validate, say):
    """CNN Lab's loop as the twins reproduce it: Adam with the recipe's lr and batch size, the cosine schedule per epoch
    (when recipe["cosine"]), the `count` training samples shuffled every epoch (the last short batch trained);
    `loss_of(indices)` is a batch's mean loss, `validate()` the validation pass's dict with its "loss". Returns the
    weights of the lowest validation loss, the samples per second of the training steps and the validation log."""
    import math
    import time

    import torch

    opt = torch.optim.Adam(model.parameters(), lr=recipe["lr"])
    epochs, batch = recipe["epochs"], recipe["batch_size"]
    best, best_loss, seconds, seen, log = None, math.inf, 0.0, 0, []
    for epoch in range(epochs):
        if recipe["cosine"]:
            for g in opt.param_groups:
                g["lr"] = recipe["lr"] * (1 + math.cos(math.pi * epoch / epochs)) / 2
        model.train()
        order = torch.randperm(count)
        start = time.perf_counter()
        for i in range(0, count, batch):
            opt.zero_grad()
            loss = loss_of(order[i:i + batch])
            loss.backward()
            opt.step()
        seconds += time.perf_counter() - start
        seen += count
        val = validate()
        log.append({"epoch": epoch + 1, **val})
        say(epoch + 1, val)
        if val["loss"] < best_loss:
            best_loss, best = val["loss"], {n: v.clone() for n, v in model.state_dict().items()}
    return best, seen / seconds, log

"""Expected shapes and parameter counts from PyTorch itself, for CNN Lab's table-driven shape tests.

Builds every examples/*.cnn.yaml and a table of tricky single layers with torch.nn, runs one sample through,
and writes test/fixtures/model/torch-reference.json. It parses the model files on its own (PyYAML; call
syntax evaluated by Python as `nn.<call>`), so the expectations do not depend on CNN Lab's parser.

Run with Debian's interpreter (python3-torch, python3-yaml):
    /usr/bin/python3 scripts/torch-reference-shapes.py
"""
import glob, json, os, re, sys
import torch
import torch.nn as nn
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "model", "torch-reference.json")


class DetectionHead(nn.Conv2d):
    """CNN Lab's DetectionHead as docs/detection.md defines it (no torch.nn class): a 3×3 convolution, padding 1, to
    num_classes + 5 maps."""

    def __init__(self, in_channels, num_classes, score_thresh=0.05, nms_thresh=0.6, topk_candidates=1000, detections_per_img=100):
        super().__init__(in_channels, num_classes + 5, 3, padding=1)
        # How the output is decoded (torchvision FCOS's names and defaults); the convolution does not use them.
        self.score_thresh, self.nms_thresh = score_thresh, nms_thresh
        self.topk_candidates, self.detections_per_img = topk_candidates, detections_per_img


# Catalog layers that are CNN Lab's own rather than torch.nn's.
OWN = {"DetectionHead": DetectionHead}
NAMESPACE = {**vars(nn), **OWN}
NAMES = {n.lower(): n for n, v in NAMESPACE.items() if isinstance(v, type)}
INFERRED = {"Conv2d": "in_channels", "ConvTranspose2d": "in_channels", "DetectionHead": "in_channels", "Linear": "in_features",
            "BatchNorm2d": "num_features", "BatchNorm1d": "num_features"}
# Leading argument a mapping-form scalar stands for (`dropout: 0.5`).
FIRST = {"MaxPool2d": "kernel_size", "AvgPool2d": "kernel_size", "AdaptiveAvgPool2d": "output_size",
         "AdaptiveMaxPool2d": "output_size", "Dropout": "p", "Dropout2d": "p"}

# (layer in PyTorch call syntax, input [C, H, W] or [F]); torch errors are recorded as expected errors.
CASES = [
    ("Conv2d(1, 16, 3)", [1, 28, 28]),
    ("Conv2d(1, 16, 3, padding=1)", [1, 28, 28]),
    ("Conv2d(3, 8, 5, stride=2)", [3, 32, 32]),
    ("Conv2d(3, 8, 3, stride=2, padding=1)", [3, 32, 32]),
    ("Conv2d(3, 8, 3, stride=2, padding=1)", [3, 31, 31]),
    ("Conv2d(3, 8, 3, stride=2)", [3, 32, 32]),
    ("Conv2d(3, 8, 3, dilation=2)", [3, 32, 32]),
    ("Conv2d(3, 8, 3, dilation=2, padding=2)", [3, 32, 32]),
    ("Conv2d(3, 8, (3, 5), stride=(1, 2), padding=(1, 0))", [3, 20, 30]),
    ("Conv2d(3, 8, 4, padding='same')", [3, 15, 15]),
    ("Conv2d(3, 8, 2, padding='same', dilation=3)", [3, 10, 12]),
    ("Conv2d(3, 8, (2, 5), padding='same')", [3, 9, 9]),
    ("Conv2d(3, 8, 3, padding='valid')", [3, 10, 10]),
    ("Conv2d(4, 8, 3, groups=2)", [4, 10, 10]),
    ("Conv2d(8, 8, 3, groups=8, padding=1, bias=False)", [8, 16, 16]),
    ("Conv2d(3, 6, 1, bias=False)", [3, 7, 7]),
    ("Conv2d(3, 6, 1, stride=2)", [3, 7, 7]),
    ("Conv2d(3, 8, 3, padding=2, padding_mode='reflect')", [3, 9, 9]),
    ("Conv2d(3, 8, 3, padding=1, padding_mode='circular')", [3, 9, 9]),
    ("Conv2d(3, 8, 3, padding=1, padding_mode='replicate')", [3, 9, 9]),
    ("Conv2d(1, 4, 7, stride=3, padding=3)", [1, 28, 28]),
    ("Conv2d(1, 2, 3, padding=3, padding_mode='reflect')", [1, 3, 3]),
    ("Conv2d(1, 2, 3, padding=2, padding_mode='reflect')", [1, 3, 3]),
    ("Conv2d(1, 2, 5, padding=3, padding_mode='circular')", [1, 3, 3]),
    ("Conv2d(1, 2, 9, padding=4, padding_mode='circular')", [1, 3, 3]),
    ("Conv2d(in_channels=1, out_channels=4, kernel_size=3, stride=1, padding=0, dilation=1, groups=1, bias=True)", [1, 5, 5]),
    ("Conv2d(1, 4, 11)", [1, 8, 8]),
    ("Conv2d(1, 4, 3, stride=2, padding='same')", [1, 8, 8]),
    ("Conv2d(3, 8, 3, groups=2)", [3, 8, 8]),
    ("Conv2d(3, 8, 3)", [8]),
    ("ConvTranspose2d(16, 8, 2, stride=2)", [16, 7, 7]),
    ("ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)", [16, 7, 7]),
    ("ConvTranspose2d(16, 8, 3, stride=2, padding=1)", [16, 7, 7]),
    ("ConvTranspose2d(16, 8, 4, stride=2, padding=1, bias=False)", [16, 5, 6]),
    ("ConvTranspose2d(16, 8, 3, dilation=2)", [16, 5, 5]),
    ("ConvTranspose2d(16, 8, 3, groups=4)", [16, 5, 5]),
    ("ConvTranspose2d(16, 8, (3, 2), stride=(2, 3), output_padding=(1, 2))", [16, 4, 4]),
    ("ConvTranspose2d(16, 8, 3, stride=2, output_padding=2)", [16, 4, 4]),
    ("MaxPool2d(2)", [3, 7, 7]),
    ("MaxPool2d(2, ceil_mode=True)", [3, 7, 7]),
    ("MaxPool2d(3, 2)", [3, 8, 8]),
    ("MaxPool2d(3, 2, ceil_mode=True)", [3, 8, 8]),
    ("MaxPool2d(3, stride=2, padding=1)", [64, 112, 112]),
    ("MaxPool2d(2, stride=2, padding=1, ceil_mode=True)", [3, 5, 5]),
    ("MaxPool2d(2, stride=2, padding=1, ceil_mode=True)", [3, 6, 6]),
    ("MaxPool2d(3, stride=1, dilation=2)", [3, 10, 10]),
    ("MaxPool2d((2, 3), stride=(2, 1))", [3, 9, 9]),
    ("MaxPool2d(2, padding=2)", [3, 9, 9]),
    ("MaxPool2d(5)", [3, 4, 4]),
    ("AvgPool2d(2)", [3, 9, 9]),
    ("AvgPool2d(3, stride=2, ceil_mode=True)", [3, 6, 6]),
    ("AvgPool2d(3, stride=3, padding=1, ceil_mode=True, count_include_pad=False)", [3, 10, 10]),
    ("AvgPool2d((2, 4), stride=(1, 2), padding=(1, 2))", [3, 9, 9]),
    ("AvgPool2d(2, divisor_override=3)", [3, 8, 8]),
    ("AvgPool2d(2, divisor_override=0)", [3, 8, 8]),
    ("AdaptiveAvgPool2d((7, 7))", [512, 14, 14]),
    ("AdaptiveAvgPool2d(1)", [64, 8, 8]),
    ("AdaptiveAvgPool2d((5, 3))", [8, 13, 10]),
    ("AdaptiveMaxPool2d((None, 3))", [8, 13, 10]),
    ("AdaptiveMaxPool2d(4)", [8, 2, 2]),
    ("AdaptiveAvgPool2d(3)", [2, 7, 7]),
    ("BatchNorm2d(16)", [16, 8, 8]),
    ("BatchNorm2d(16, affine=False)", [16, 8, 8]),
    ("BatchNorm2d(16, track_running_stats=False)", [16, 8, 8]),
    ("BatchNorm2d(16, eps=1e-3, momentum=0.01)", [16, 8, 8]),
    ("BatchNorm1d(128)", [128]),
    ("BatchNorm2d(8)", [16, 8, 8]),
    ("Linear(784, 10)", [784]),
    ("Linear(784, 10, bias=False)", [784]),
    ("Linear(7, 5)", [32, 7, 7]),
    ("Linear(100, 10)", [784]),
    ("Flatten()", [32, 7, 7]),
    ("Flatten(start_dim=2)", [32, 7, 7]),
    ("Flatten(1, 2)", [4, 5, 6]),
    ("Flatten(-2)", [4, 5, 6]),
    ("Unflatten(1, (32, 7, 7))", [1568]),
    ("Unflatten(-1, (4, 2, 2))", [16]),
    ("Unflatten(1, (3, 3))", [10]),
    ("Unflatten(0, (2, 5))", [10]),
    ("Dropout(0.25)", [128]),
    ("Dropout2d(p=0.1)", [16, 8, 8]),
    ("ReLU(True)", [16, 8, 8]),
    ("LeakyReLU(0.2)", [16, 8, 8]),
    ("ELU(alpha=0.5)", [16]),
    ("Sigmoid()", [16]),
    ("Tanh()", [4, 2, 2]),
    ("Softmax(dim=1)", [10]),
    ("GELU(approximate='tanh')", [8, 4, 4]),
    ("SiLU()", [8, 4, 4]),
    ("Hardswish()", [8]),
    ("PReLU()", [8, 4, 4]),
    ("PReLU(8, init=0.1)", [8, 4, 4]),
    ("PReLU(num_parameters=16)", [16]),
    ("PReLU(3)", [8, 4, 4]),
    ("LogSoftmax(dim=1)", [10]),
    ("Upsample(scale_factor=2)", [8, 7, 7]),
    ("Upsample(size=(10, 12))", [8, 7, 7]),
    ("Upsample(scale_factor=1.5, mode='bilinear')", [8, 7, 7]),
    ("Upsample(scale_factor=(2, 3))", [8, 7, 7]),
    ("Upsample(size=5, mode='bilinear', align_corners=True)", [8, 7, 7]),
    ("Upsample(scale_factor=2, mode='nearest', align_corners=True)", [8, 7, 7]),
    ("Upsample(scale_factor=2, align_corners=False)", [8, 7, 7]),
    ("Upsample(scale_factor=0.0)", [8, 7, 7]),
]


def own_counts(m):
    params = [p for p in m.parameters(recurse=False)]
    return (sum(p.numel() for p in params), sum(p.numel() for p in params if p.requires_grad),
            sum(b.numel() for b in m.buffers(recurse=False)))


def record(m, y):
    p, t, b = own_counts(m)
    return {"type": type(m).__name__, "outputShape": list(y.shape[1:]), "params": p, "trainableParams": t, "buffers": b}


def run_case(call, shape):
    entry = {"layer": call, "input": shape}
    try:
        m = eval("nn." + call, {"nn": nn})
        m.eval()
        with torch.no_grad():
            y = m(torch.zeros([2] + shape))
        entry.update(record(m, y))
        entry["error"] = None
    except Exception as e:  # torch's own verdict: this layer cannot take this input
        entry["error"] = str(e).splitlines()[0][:200]
    return entry


def tuples(v):
    return tuple(tuples(x) for x in v) if isinstance(v, list) else v


def make_layer(item, x):
    """One layer from a model-file item, inferring in_channels / in_features / num_features from x."""
    if isinstance(item, str):
        head = item.split("(", 1)[0].strip()
        cls = NAMES[head.lower()]
        if "(" not in item:
            return NAMESPACE[cls]()
        return eval(cls + item[len(head):], NAMESPACE)
    (name, value), = item.items()
    cls = NAMES[name.lower()]
    kwargs = {} if value is None else ({k: tuples(v) for k, v in value.items()} if isinstance(value, dict) else {FIRST[cls]: tuples(value)})
    if cls in INFERRED and INFERRED[cls] not in kwargs:
        kwargs[INFERRED[cls]] = x.shape[1] if x.dim() > 2 or cls != "Linear" else x.shape[-1]
    return NAMESPACE[cls](**kwargs)


MERGES = {"concat": lambda xs: torch.cat(xs, 1), "add": lambda xs: sum(xs[1:], xs[0]),
          "multiply": lambda xs: xs[0] * xs[1] if len(xs) == 2 else xs[0] * MERGES["multiply"](xs[1:])}


def wiring(item):
    """Graph items as a forward() reads them: (item without wiring, as-name, from-name, merge (op, names) or None)."""
    if isinstance(item, dict):
        item = dict(item)
        as_name, from_name = item.pop("as", None), item.pop("from", None)
        (key, value), = item.items()
        merge = (key, value) if key in MERGES else None
        return {key: value}, as_name, from_name, merge
    as_name = from_name = None
    named = re.match(r"^\s*([A-Za-z_]\w*)\s*=\s*(?=[A-Za-z_]\w*\s*\()(.*)$", item, re.S)
    if named:
        as_name, item = named.group(1), named.group(2)
    applied = re.match(r"^(.*\))\s*\(\s*([A-Za-z_]\w*)\s*\)\s*$", item, re.S)
    if applied:
        item, from_name = applied.group(1), applied.group(2)
    merge = re.match(r"^\s*(concat|add|multiply)\s*\(([^()]*)\)\s*$", item)
    return item, as_name, from_name, (merge.group(1), [n.strip() for n in merge.group(2).split(",")]) if merge else None


def run_items(items, x, out, env, merges=None):
    """Runs the items on x; env holds the named outputs (Python's rules: the latest binding wins)."""
    for item in items:
        item, as_name, from_name, merge = wiring(item)
        if from_name:
            x = env[from_name]
        if merge:
            op, names = merge
            x = MERGES[op]([env[n] for n in names])
            if merges is not None:
                merges.append({"op": op, "outputShape": list(x.shape[1:])})
        elif isinstance(item, dict) and "repeat" in item:
            for _ in range(item["repeat"]["times"]):
                x = run_items(item["repeat"]["layers"], x, out, env, merges)
        elif isinstance(item, dict) and "residual" in item:
            block = item["residual"]
            body = run_items(block["layers"] if isinstance(block, dict) else block, x, out, env, merges)
            skip = run_items(block.get("projection") or [], x, out, env, merges) if isinstance(block, dict) else x
            x = body + skip
        else:
            m = make_layer(item, x)
            m.eval()
            with torch.no_grad():
                x = m(x)
            out.append(record(m, x))
        if as_name:
            env[as_name] = x
    return x


def run_spec(spec):
    layers, merges = [], []
    x = torch.zeros([1] + spec["input"])
    y = run_items(spec["layers"], x, layers, {"input": x}, merges)
    result = {"input": spec["input"], "layers": layers, "totalParams": sum(l["params"] for l in layers),
              "trainableParams": sum(l["trainableParams"] for l in layers)}
    if merges:
        result.update({"merges": merges, "outputShape": list(y.shape[1:])})
    return result


def run_example(path):
    return run_spec(yaml.safe_load(open(path)))


def unet_mini(base, depth):
    """A U-Net with `depth` levels: convolutions, pooling on the way down; transposed convs and concat skips up."""
    lines, c = [], 1
    for d in range(depth):
        out = base * 2 ** d
        lines += [f"Conv2d({c}, {out}, 3, padding=1)", "BatchNorm2d(%d)" % out, f"e{d} = ReLU()", "MaxPool2d(2)"]
        c = out
    lines += [f"Conv2d({c}, {c * 2}, 3, padding=1)", "ReLU()"]
    c *= 2
    for d in reversed(range(depth)):
        out = base * 2 ** d
        lines += [f"u{d} = ConvTranspose2d({c}, {out}, 2, stride=2)", f"concat(u{d}, e{d})", f"Conv2d({out * 2}, {out}, 3, padding=1)", "ReLU()"]
        c = out
    return {"input": [1, 32, 32], "layers": lines + [f"Conv2d({c}, 4, 1)"]}


def inception(c_in, widths):
    """A stem and an Inception block with 4 branches (1×1; 1×1→3×3; mapping-form 5×5 with from:; pool→1×1)."""
    a, b_red, b, c5, pool = widths
    return {"input": [c_in, 16, 16], "layers": [
        f"stem = Conv2d({c_in}, 16, 3, padding=1)",
        f"b1 = Conv2d(16, {a}, 1)(stem)",
        f"Conv2d(16, {b_red}, 1)(stem)", "ReLU()", f"b2 = Conv2d({b_red}, {b}, 3, padding=1)",
        {"conv2d": {"out_channels": c5, "kernel_size": 5, "padding": 2}, "from": "stem", "as": "b3"},
        "MaxPool2d(3, stride=1, padding=1)(stem)", f"b4 = Conv2d(16, {pool}, 1)",
        "concat(b1, b2, b3, b4)", "AdaptiveAvgPool2d(1)", "Flatten()", {"linear": {"out_features": 5}}]}


def dense_block(growth, layers):
    """A DenseNet block: x = concat(x, conv(relu(bn(x)))) repeated, then a transition with add and multiply merges."""
    return {"input": [3, 16, 16], "layers": [
        "x = Conv2d(3, 8, 3, padding=1)",
        {"repeat": {"times": layers, "layers": [
            {"batchnorm2d": {}}, "relu", {"conv2d": {"out_channels": growth, "kernel_size": 3, "padding": 1}, "as": "y"},
            "x = concat(x, y)"]}},
        {"conv2d": {"out_channels": 8, "kernel_size": 1}, "as": "t"},
        "AdaptiveAvgPool2d(1)", "gate = Sigmoid()", "g = multiply(t, gate)", "add(g, t)"]}


# Generated graph models: their YAML text goes into the fixture so the test analyses exactly what torch ran.
GRAPHS = {"U-Net-mini (2 levels, concat skips)": unet_mini(8, 2), "U-Net-mini (3 levels)": unet_mini(4, 3),
          "Inception block (4 branches)": inception(3, (8, 6, 12, 4, 4)), "DenseNet block (growth 4, 3 layers)": dense_block(4, 3),
          "DenseNet block (growth 6, 4 layers)": dense_block(6, 4)}


def run_graph(spec):
    result = run_spec(spec)
    result["model"] = yaml.safe_dump({"input": spec["input"], "layers": spec["layers"]}, sort_keys=False, width=200)
    return result


# Catalog layers that are torchvision.ops modules (MobileNetV3, EfficientNet) rather than torch.nn ones.
TORCHVISION_OPS = {"SqueezeExcitation", "StochasticDepth"}


def layer_class(cls):
    if cls in TORCHVISION_OPS:
        from torchvision import ops
        return getattr(ops, cls)
    return NAMESPACE[cls]


def signature(cls):
    """Argument names and defaults of a torch.nn (or torchvision.ops) class, in positional order (device/dtype left
    out); a default that is a class (SqueezeExcitation's activation=nn.ReLU) is recorded by its name, as the model
    file writes it."""
    import inspect
    out = []
    for name, p in inspect.signature(layer_class(cls).__init__).parameters.items():
        if name in ("self", "device", "dtype") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        default = None if p.default is inspect.Parameter.empty else p.default
        if isinstance(default, type):
            default = default.__name__
        out.append({"name": name, "required": p.default is inspect.Parameter.empty,
                    "default": default if isinstance(default, (int, float, str, bool, type(None))) else repr(default)})
    return out


LAYERS = ["Conv2d", "ConvTranspose2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "BatchNorm2d",
          "BatchNorm1d", "Dropout", "Dropout2d", "ReLU", "LeakyReLU", "ELU", "ReLU6", "GELU", "SiLU", "Mish", "Hardswish",
          "Hardsigmoid", "PReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
          "Flatten", "Unflatten", "Linear", "Upsample", "SqueezeExcitation", "StochasticDepth", "DetectionHead"]


def main():
    torch.manual_seed(0)
    examples = {os.path.basename(p): run_example(p) for p in sorted(glob.glob(os.path.join(ROOT, "examples", "*.cnn.yaml")))}
    result = {
        "generatedBy": "scripts/torch-reference-shapes.py",
        "torch": torch.__version__,
        "signatures": {cls: signature(cls) for cls in LAYERS},
        "cases": [run_case(c, s) for c, s in CASES],
        "examples": examples,
        "graphs": {name: run_graph(spec) for name, spec in GRAPHS.items()},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(result['cases'])} cases, {len(examples)} examples", file=sys.stderr)
    for name, e in examples.items():
        print(f"  {name}: {e['totalParams']:,} params", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Reading a CNN Lab model file for a PyTorch twin (bench/torch-*.py): python3-yaml reads it, not CNN Lab's parser."""


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

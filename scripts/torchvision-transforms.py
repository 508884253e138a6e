"""
Reference outputs of torchvision's transforms on small fixed images, for test/unit/transforms-torchvision.test.ts.
Run with /usr/bin/python3 (Debian's python3-torchvision); prints one JSON object to stdout. Random transforms are
called through torchvision's functionals with fixed parameters, which is what CNN Lab's `apply(image, args, params)`
receives from its own `params()`.

Each case: {"name", "op": what the test calls, "input": "float" | "bytes", ..., "shape": [H, W, C], "data": HWC}.
"""
import json
import math

import torch
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode
from torchvision.transforms.autoaugment import RandAugment, TrivialAugmentWide, _apply_op

C, H, W = 3, 13, 17


def image(channels=C, h=H, w=W):
    # A fixed, non-smooth pattern with every value distinct enough to catch off-by-one sampling.
    y = torch.arange(h).view(h, 1).float()
    x = torch.arange(w).view(1, w).float()
    planes = [((x * 7 + y * 13 + c * 29 + x * y) % 31) / 30 for c in range(channels)]
    return torch.stack(planes).to(torch.float32)


def byte_image(channels=C):
    return torch.round(image(channels) * 255).to(torch.uint8)


cases = []


def add(name, op, out, **extra):
    t = out.to(torch.float64)
    if t.dim() == 2:
        t = t.unsqueeze(0)
    cases.append({"name": name, "op": op, "shape": [t.shape[1], t.shape[2], t.shape[0]], "data": t.permute(1, 2, 0).reshape(-1).tolist(), **extra})


img = image()
grey = image(1)
BIL, NEAR = InterpolationMode.BILINEAR, InterpolationMode.NEAREST

# Resize: int (shorter side, aspect kept), (h, w), up and down, antialiased (PIL-like) or not, nearest.
add("Resize(7)", "resize", F.resize(img, 7, BIL, antialias=True), args={"size": 7})
add("Resize((5, 6))", "resize", F.resize(img, [5, 6], BIL, antialias=True), args={"size": [5, 6]})
add("Resize((20, 31))", "resize", F.resize(img, [20, 31], BIL, antialias=True), args={"size": [20, 31]})
add("Resize(7, antialias=False)", "resize", F.resize(img, 7, BIL, antialias=False), args={"size": 7, "antialias": False})
add("Resize(9, nearest)", "resize", F.resize(img, 9, NEAR), args={"size": 9, "interpolation": "nearest"})
add("Resize(8, max_size=10)", "resize", F.resize(img, 8, BIL, max_size=10, antialias=True), args={"size": 8, "max_size": 10})
# CenterCrop: odd/even margins (Python's round), and a crop larger than the image (zero padding).
add("CenterCrop(8)", "centerCrop", F.center_crop(img, [8, 8]), args={"size": 8})
add("CenterCrop((10, 14))", "centerCrop", F.center_crop(img, [10, 14]), args={"size": [10, 14]})
add("CenterCrop((16, 20))", "centerCrop", F.center_crop(img, [16, 20]), args={"size": [16, 20]})
# RandomCrop = F.pad then F.crop at the drawn (top, left).
for mode in ["constant", "edge", "reflect", "symmetric"]:
    padded = F.pad(img, [3, 2, 1, 4], fill=0.25, padding_mode=mode)
    add(f"RandomCrop(padding_mode={mode})", "randomCrop", F.crop(padded, 1, 2, 12, 15),
        args={"size": [12, 15], "padding": [3, 2, 1, 4], "fill": 0.25, "padding_mode": mode}, params={"top": 1, "left": 2})
padded = F.pad(F.pad(grey, [2, 0], fill=0), [0, 4], fill=0)
add("RandomCrop(pad_if_needed)", "randomCrop", F.crop(padded, 3, 1, 17, 19),
    input_channels=1, args={"size": [17, 19], "pad_if_needed": True}, params={"top": 3, "left": 1})
# RandomResizedCrop = F.resized_crop with the drawn window.
add("RandomResizedCrop", "randomResizedCrop", F.resized_crop(img, 2, 3, 9, 11, [6, 6], BIL, antialias=True),
    args={"size": 6}, params={"top": 2, "left": 3, "height": 9, "width": 11})
add("RandomResizedCrop(up)", "randomResizedCrop", F.resized_crop(img, 1, 0, 5, 7, [12, 10], BIL, antialias=True),
    args={"size": [12, 10]}, params={"top": 1, "left": 0, "height": 5, "width": 7})
add("hflip", "hflip", F.hflip(img))
add("vflip", "vflip", F.vflip(img))
# RandomRotation / RandomAffine pass fill=[0.0] * C for tensors (torchvision's forward), hence the fill mask.
add("rotate(23.5, nearest)", "rotate", F.rotate(img, 23.5, NEAR, fill=[0.0] * C), args={"interpolation": "nearest", "fill": 0}, params=23.5)
add("rotate(-40, bilinear, fill 0.5)", "rotate", F.rotate(img, -40.0, BIL, fill=[0.5] * C), args={"interpolation": "bilinear", "fill": 0.5}, params=-40.0)
add("rotate(90, nearest)", "rotate", F.rotate(img, 90.0, NEAR, fill=[0.0] * C), args={"interpolation": "nearest", "fill": 0}, params=90.0)
add("affine(bilinear)", "affine", F.affine(img, 12.0, [2, -1], 1.1, [5.0, -3.0], BIL, fill=[0.0] * C),
    args={"interpolation": "bilinear", "fill": 0}, params={"angle": 12.0, "translate": [2, -1], "scale": 1.1, "shear": [5.0, -3.0]})
add("affine(nearest)", "affine", F.affine(img, -30.0, [-3, 2], 0.8, [0.0, 0.0], NEAR, fill=[0.0] * C),
    args={"interpolation": "nearest", "fill": 0}, params={"angle": -30.0, "translate": [-3, 2], "scale": 0.8, "shear": [0.0, 0.0]})
# Colour functionals (ColorJitter applies them in its drawn order).
add("brightness(1.3)", "brightness", F.adjust_brightness(img, 1.3), factor=1.3)
add("contrast(0.6)", "contrast", F.adjust_contrast(img, 0.6), factor=0.6)
add("contrast(1.4, grey)", "contrast", F.adjust_contrast(grey, 1.4), factor=1.4, input_channels=1)
add("saturation(1.7)", "saturation", F.adjust_saturation(img, 1.7), factor=1.7)
add("hue(0.2)", "hue", F.adjust_hue(img, 0.2), factor=0.2)
add("hue(-0.45)", "hue", F.adjust_hue(img, -0.45), factor=-0.45)
jit = F.adjust_hue(F.adjust_contrast(F.adjust_saturation(F.adjust_brightness(img, 0.8), 1.2), 1.1), -0.1)
add("ColorJitter", "colorJitter", jit, params={"order": [0, 2, 1, 3], "brightness": 0.8, "contrast": 1.1, "saturation": 1.2, "hue": -0.1})
add("grayscale", "grayscale", F.rgb_to_grayscale(img, 3))
add("GaussianBlur(5x3)", "gaussianBlur", F.gaussian_blur(img, [3, 5], [1.3, 1.3]), args={"kernel_size": [5, 3]}, params=1.3)
add("GaussianBlur(7)", "gaussianBlur", F.gaussian_blur(img, [7, 7], [0.6, 0.6]), args={"kernel_size": 7}, params=0.6)
add("erase", "erase", F.erase(img, 2, 3, 4, 5, torch.tensor([0.1, 0.2, 0.3])[:, None, None]),
    params={"top": 2, "left": 3, "height": 4, "width": 5, "values": [0.1, 0.2, 0.3]})
add("Normalize", "normalize", F.normalize(img, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    args={"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]})
# RandAugment / TrivialAugmentWide operations on uint8 images, at magnitudes from their tables.
bimg = byte_image()
ops = [("ShearX", 0.3), ("ShearY", -0.25), ("TranslateX", 5.4), ("TranslateY", -3.0), ("Rotate", 27.0), ("Brightness", 0.5),
       ("Color", -0.6), ("Contrast", 0.7), ("Sharpness", 0.9), ("Sharpness", -0.5), ("Posterize", 3), ("Solarize", 128.0),
       ("AutoContrast", 0.0), ("Equalize", 0.0), ("Identity", 0.0)]
for op, m in ops:
    for interp in [NEAR, BIL]:
        if interp == BIL and op not in ("ShearX", "Rotate"):
            continue
        out = _apply_op(bimg.clone(), op, m, interpolation=interp, fill=None)
        add(f"{op}({m}, {interp.value})", "augmentOp", out, input="bytes", op_name=op, magnitude=m, interpolation=interp.value)
# The magnitude tables.
space = {name: [float(v) for v in (mags.tolist() if mags.ndim > 0 else [])] for name, (mags, _) in RandAugment(num_magnitude_bins=31)._augmentation_space(31, (H, W)).items()}
wide = {name: [float(v) for v in (mags.tolist() if mags.ndim > 0 else [])] for name, (mags, _) in TrivialAugmentWide()._augmentation_space(31).items()}

print(json.dumps({"height": H, "width": W, "channels": C, "cases": cases, "randAugmentSpace": space, "trivialSpace": wide}))

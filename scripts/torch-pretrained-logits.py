"""Reference logits for test/unit/weights-logits.test.ts.

Usage: torch-pretrained-logits.py OUT_DIR NAME... For each torchvision model NAME: seeded random weights with
BatchNorm statistics (measured on the picture, then perturbed) and affine parameters away from their defaults, saved as OUT_DIR/NAME.pth (state_dict, zip
format); a real picture (a Fashion-MNIST photograph, tinted per channel and enlarged to 296×256) saved as
OUT_DIR/picture.png; and the model's logits for that picture through torchvision's evaluation preprocessing
(PIL: Resize(256), CenterCrop(224), ToTensor, Normalize(ImageNet)). Prints JSON {NAME: logits}, and under
"resized" the first model's logits for the same photograph enlarged to 331×383 (OUT_DIR/picture-resized.png), which
Resize(256) really resamples (shrinks, antialiased) to 256×296.
googlenet is built as googlenet(weights=IMAGENET1K_V1) builds it (transform_input=True, no auxiliary classifiers),
so its logits check that the zoo file's Normalize(0.5, 0.5) stands for torchvision's input transform.
"""
import gzip, json, os, sys

import numpy as np
import torch
import torchvision
import torchvision.transforms as T
from PIL import Image

out = sys.argv[1]
with gzip.open('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz') as f:
    item = np.frombuffer(f.read(), dtype=np.uint8, offset=16)[:784].reshape(28, 28).astype(np.float32)
rgb = np.stack([item, 255 - item * 0.6, item * 0.5 + 60], axis=-1).clip(0, 255).astype(np.uint8)
picture = os.path.join(out, 'picture.png')
# 256 pixels high, so Resize(256) keeps it; picture-resized.png is resized by it.
Image.fromarray(rgb).resize((296, 256), Image.BICUBIC).save(picture)
resized_picture = os.path.join(out, 'picture-resized.png')
Image.fromarray(rgb).resize((383, 331), Image.BICUBIC).save(resized_picture)

prep = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
x = prep(Image.open(picture).convert('RGB')).unsqueeze(0)
x_resized = prep(Image.open(resized_picture).convert('RGB')).unsqueeze(0)
OPTIONS = {'googlenet': {'aux_logits': False, 'transform_input': True, 'init_weights': False}}

result = {}
for seed, name in enumerate(sys.argv[2:]):
    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)(weights=None, **OPTIONS.get(name, {}))
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        # Statistics measured on the picture (cumulative average over a small batch of its variants), then moved
        # off: with arbitrary statistics the activations of a deep random network die out and the logits hardly
        # depend on the input, so a wrong preprocessing would go unnoticed.
        for m in norms:
            m.momentum = None
            m.reset_running_stats()
        model.train()
        model(torch.cat([x, x.flip(3), x.flip(2), 0.5 * x]))
        for m in norms:
            m.running_mean.add_(torch.empty_like(m.running_mean).uniform_(-0.2, 0.2) * m.running_var.sqrt())
            m.running_var.mul_(torch.empty_like(m.running_var).uniform_(0.7, 1.4))
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.2, 0.2)
            m.num_batches_tracked.fill_(7)
            m.momentum = 0.1
    model.eval()
    torch.save(model.state_dict(), os.path.join(out, f'{name}.pth'))
    with torch.no_grad():
        result[name] = model(x)[0].double().tolist()
        if seed == 0:
            result['resized'] = {name: model(x_resized)[0].double().tolist()}
print(json.dumps(result))

"""Reference logits for test/unit/weights-logits.test.ts.

Usage: torch-pretrained-logits.py OUT_DIR NAME... For each torchvision model NAME: seeded random weights with
BatchNorm statistics and affine parameters away from their defaults, saved as OUT_DIR/NAME.pth (state_dict, zip
format); a real picture (a Fashion-MNIST photograph, tinted per channel and enlarged to 300×260) saved as
OUT_DIR/picture.png; and the model's logits for that picture through torchvision's evaluation preprocessing
(PIL: Resize(256), CenterCrop(224), ToTensor, Normalize(ImageNet)). Prints JSON {NAME: logits}.
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
Image.fromarray(rgb).resize((300, 260), Image.BICUBIC).save(picture)

prep = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
x = prep(Image.open(picture).convert('RGB')).unsqueeze(0)
result = {}
for seed, name in enumerate(sys.argv[2:]):
    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)(weights=None)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.num_batches_tracked.fill_(7)
    model.eval()
    torch.save(model.state_dict(), os.path.join(out, f'{name}.pth'))
    with torch.no_grad():
        result[name] = model(x)[0].double().tolist()
print(json.dumps(result))

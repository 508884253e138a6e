"""Reference for test/unit/transforms-pil-resize.test.ts: torchvision's transforms on PIL images.

Reads JSON cases from stdin, each {height, width, channels, data (uint8 HWC, flat), transforms: [[name, kwargs]]}
with name Resize or CenterCrop (kwargs as torchvision's, interpolation as a string), and prints the PIL image each
Compose gives, as {height, width, data}. One channel is PIL mode 'L', three 'RGB', as torchvision's datasets load them.
"""
import json, sys

import numpy as np
import torchvision.transforms as T
from PIL import Image

out = []
for case in json.load(sys.stdin):
    pixels = np.array(case['data'], dtype=np.uint8).reshape(case['height'], case['width'], case['channels'])
    image = Image.fromarray(pixels[:, :, 0] if case['channels'] == 1 else pixels)
    steps = []
    for name, kwargs in case['transforms']:
        kwargs = dict(kwargs)
        if 'interpolation' in kwargs:
            kwargs['interpolation'] = T.InterpolationMode(kwargs['interpolation'])
        steps.append(getattr(T, name)(**kwargs))
    result = np.asarray(T.Compose(steps)(image))
    out.append({'height': result.shape[0], 'width': result.shape[1], 'data': result.reshape(-1).tolist()})
print(json.dumps(out))

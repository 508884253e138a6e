"""torchvision's architectures for test/unit/zoo-torchvision.test.ts: for each name given, the parameter count, the
output shape of one 224×224 picture and every state_dict entry (key and shape), from torchvision.models.<name>
(weights=None; googlenet without its auxiliary classifiers, as its published weights are used). Prints one JSON
object keyed by name."""
import json, sys

import torch
import torchvision

# googlenet(weights=None) keeps the two training-only auxiliary classifiers that googlenet(weights=IMAGENET1K_V1)
# removes after loading; init_weights=False skips its slow truncated-normal initialisation.
OPTIONS = {'googlenet': {'aux_logits': False, 'init_weights': False}}

out = {}
for name in sys.argv[1:]:
    model = getattr(torchvision.models, name)(weights=None, **OPTIONS.get(name, {})).eval()
    with torch.no_grad():
        y = model(torch.zeros(1, 3, 224, 224))
    out[name] = {
        'params': sum(p.numel() for p in model.parameters()),
        'output': list(y.shape[1:]),
        'state': [[k, list(v.shape)] for k, v in model.state_dict().items()],
    }
print(json.dumps(out))

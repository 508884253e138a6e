"""Weight files written by PyTorch itself for test/unit/weights-readers.test.ts.

Usage: torch-weight-files.py OUT_DIR. Writes state_dicts in torch.save's zip and legacy formats (every dtype, a
non-contiguous view, tensors sharing one storage, a torchvision model's state_dict with BatchNorm buffers), the same
tensors as .safetensors (written here by hand: the format is a JSON header and raw bytes), and hostile pickles that
would run code in torch.load. Prints JSON: per file, its tensors' names, dtypes, shapes and row-major values.
"""
import collections, json, os, pickle, struct, sys

import torch
import torchvision

out = sys.argv[1]
torch.manual_seed(0)

base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 7
small = collections.OrderedDict()
small['weight'] = base
small['transposed'] = base.t()  # non-contiguous: strides (1, 6)
small['row'] = base[2]  # shares base's storage at an offset
small['scalar'] = torch.tensor(5)  # int64, shape ()
small['double'] = torch.linspace(-1, 1, 5, dtype=torch.float64)
small['half'] = torch.tensor([0.5, -2.25, 65504.0, 1e-4], dtype=torch.float16)
small['bf16'] = torch.tensor([1.5, -3.0, 1e10], dtype=torch.bfloat16)
small['int32'] = torch.tensor([-7, 0, 7], dtype=torch.int32)
small['int8'] = torch.tensor([-128, 127], dtype=torch.int8)
small['uint8'] = torch.tensor([0, 255], dtype=torch.uint8)
small['bool'] = torch.tensor([True, False, True])
small['empty'] = torch.zeros(0, 3)

model = torchvision.models.resnet18(weights=None, num_classes=10)
with torch.no_grad():
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
            m.num_batches_tracked.fill_(3)
resnet = model.state_dict()


def describe(sd, full):
    rows = []
    for name, t in sd.items():
        values = t.double().flatten().tolist() if full else None
        rows.append({'name': name, 'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape), 'values': values,
                     'sum': float(t.double().sum()), 'first': float(t.double().flatten()[0]) if t.numel() else None})
    return rows


def safetensors(sd, path):
    names = {torch.float32: 'F32', torch.float64: 'F64', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int64: 'I64',
             torch.int32: 'I32', torch.int8: 'I8', torch.uint8: 'U8', torch.bool: 'BOOL'}
    header, blobs, at = {'__metadata__': {'format': 'pt'}}, [], 0
    for name, t in sd.items():
        data = t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b''
        header[name] = {'dtype': names[t.dtype], 'shape': list(t.shape), 'data_offsets': [at, at + len(data)]}
        blobs.append(data)
        at += len(data)
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


torch.save(small, os.path.join(out, 'small-zip.pth'))
torch.save(small, os.path.join(out, 'small-legacy.pth'), _use_new_zipfile_serialization=False)
safetensors(small, os.path.join(out, 'small.safetensors'))
torch.save(resnet, os.path.join(out, 'resnet18-zip.pth'))
torch.save(resnet, os.path.join(out, 'resnet18-legacy.pth'), _use_new_zipfile_serialization=False)
safetensors(resnet, os.path.join(out, 'resnet18.safetensors'))
torch.save({'epoch': 3, 'state_dict': small}, os.path.join(out, 'checkpoint.pth'))
torch.save(model, os.path.join(out, 'whole-model.pth'))
torch.save([base], os.path.join(out, 'list.pth'))


class RunsCode:
    def __reduce__(self):
        return (os.system, ('touch ' + os.path.join(out, 'EXECUTED'),))


torch.save({'weight': base, 'evil': RunsCode()}, os.path.join(out, 'evil-zip.pth'))
torch.save({'weight': base, 'evil': RunsCode()}, os.path.join(out, 'evil-legacy.pth'), _use_new_zipfile_serialization=False)
with open(os.path.join(out, 'evil-plain.pkl'), 'wb') as f:
    pickle.dump(RunsCode(), f, protocol=4)

print(json.dumps({'small': describe(small, True), 'resnet18': describe(resnet, False)}))

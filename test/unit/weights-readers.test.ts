/**
 * Weight files read without Python: state_dicts written by PyTorch itself (scripts/torch-weight-files.py, at test
 * time) in torch.save's zip and legacy formats and as safetensors; every dtype, strided views, shared storages,
 * a torchvision ResNet-18 with BatchNorm buffers. Hostile pickles are refused without running anything, and files
 * that are not plain state_dicts, or are damaged, get a sentence naming the file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { python, pythonHas } from '../fixtures/python';
import { readPickle } from '../../src/weights/pickleMachine';
import { readWeights } from '../../src/weights/sources/registry';
import { readTorchStateDict } from '../../src/weights/torchPickle';
import { tensorValues, WeightFileError, type StateDict } from '../../src/weights/stateDict';
import { tempDir } from '../fixtures/datasets/generate';

interface Expected {
  name: string;
  dtype: string;
  shape: number[];
  values: number[] | null;
  sum: number;
  first: number | null;
}

const script = join(__dirname, '..', '..', 'scripts', 'torch-weight-files.py');
const hasTorch = pythonHas('torch, torchvision');

const { fresh, cleanup } = tempDir('cnnlab-weights-');
after(cleanup);

function assertMatches(sd: StateDict, expected: Expected[]): void {
  assert.deepEqual([...sd.keys()], expected.map((e) => e.name));
  for (const e of expected) {
    const t = sd.get(e.name)!;
    assert.equal(t.dtype, e.dtype, e.name);
    assert.deepEqual(t.shape, e.shape, e.name);
    const values = tensorValues(t);
    if (e.values) {
      // float32 is what we compute in: compare after rounding PyTorch's exact values to float32.
      assert.deepEqual([...values], e.values.map((v) => Math.fround(v)), e.name);
    } else {
      assert.equal(values[0], Math.fround(e.first!), e.name);
      const sum = values.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - e.sum) <= 1e-4 * Math.max(1, Math.abs(e.sum)) + 1e-3, `${e.name}: sum ${sum} vs ${e.sum}`);
    }
  }
}

describe('weight files written by PyTorch', { skip: !hasTorch && 'needs /usr/bin/python3 with torch and torchvision' }, () => {
  const dir = hasTorch ? fresh('torch') : '';
  const expected = hasTorch
    ? (JSON.parse(execFileSync(python, [script, dir], { maxBuffer: 64 << 20 }).toString()) as { small: Expected[]; resnet18: Expected[] })
    : undefined;

  for (const file of ['small-zip.pth', 'small-legacy.pth', 'small.safetensors']) {
    it(`${file}: every dtype, a transposed view, a row sharing its storage, a scalar, an empty tensor`, () => {
      assertMatches(readWeights(join(dir, file)), expected!.small);
    });
  }

  for (const file of ['resnet18-zip.pth', 'resnet18-legacy.pth', 'resnet18.safetensors']) {
    it(`${file}: torchvision's key names, shapes and values (BatchNorm buffers included)`, () => {
      const sd = readWeights(join(dir, file));
      assertMatches(sd, expected!.resnet18);
      assert.ok(sd.has('layer1.0.bn1.num_batches_tracked'));
      assert.deepEqual(sd.get('layer1.0.conv1.weight')!.shape, [64, 64, 3, 3]);
    });
  }

  it('refuses pickles that would run code, naming what they wanted, and runs nothing', () => {
    for (const file of ['evil-zip.pth', 'evil-legacy.pth', 'evil-plain.pkl']) {
      assert.throws(() => readWeights(join(dir, file)), (err: unknown) => {
        assert.ok(err instanceof WeightFileError);
        assert.match(err.message, new RegExp(`${file} is not a PyTorch state_dict this reader accepts: it refers to (posix|os)\\.system, which a plain state_dict of tensors never holds; it was refused without running anything`));
        return true;
      });
    }
    assert.equal(existsSync(join(dir, 'EXECUTED')), false);
  });

  it('refuses a whole pickled model, a checkpoint dict and a list, saying what to save instead', () => {
    assert.throws(() => readWeights(join(dir, 'whole-model.pth')), /whole-model\.pth is not a PyTorch state_dict this reader accepts: it refers to torchvision\.models\.resnet\.ResNet/);
    assert.throws(() => readWeights(join(dir, 'checkpoint.pth')), /checkpoint\.pth .*entry 'epoch' is not a tensor \(a checkpoint with epoch, state_dict…\? save its state_dict alone: torch\.save\(model\.state_dict\(\), path\)\)/);
    assert.throws(() => readWeights(join(dir, 'list.pth')), /list\.pth .*it holds no state_dict/);
  });

  it('reports truncated and damaged files in a sentence naming them', () => {
    const cases: Array<[string, number]> = [['resnet18-zip.pth', 1000], ['resnet18-legacy.pth', 4_000_000], ['resnet18.safetensors', 4_000_000], ['small-zip.pth', 100]];
    for (const [file, keep] of cases) {
      const bytes = readFileSync(join(dir, file)).subarray(0, keep);
      const cut = join(dir, `cut-${file}`);
      writeFileSync(cut, bytes);
      assert.throws(() => readWeights(cut), (err: unknown) => {
        assert.ok(err instanceof WeightFileError, String(err));
        assert.ok(err.message.startsWith(`${cut} is not a`), err.message);
        return true;
      });
    }
  });
});

describe('the restricted pickle reader (hand-made pickles)', () => {
  const plain = { globals: {} };
  it('reads protocol 4 framing, memo and containers', () => {
    // pickle.dumps({'a': (1, -2, 3.5), 'b': [True, None, 'x']}, protocol=4)
    const bytes = Buffer.from('gASVKQAAAAAAAAB9lCiMAWGUSwFK/v///0dADAAAAAAAAIeUjAFilF2UKIhOjAF4lGV1Lg==', 'base64');
    const { value } = readPickle(bytes, plain);
    assert.ok(value instanceof Map);
    assert.deepEqual([...(value.get('a') as number[])], [1, -2, 3.5]);
    assert.deepEqual(value.get('b'), [true, null, 'x']);
  });
  it('refuses opcodes a state_dict never needs (INST, OBJ) and unknown globals', () => {
    assert.throws(() => readPickle(Buffer.from('(ios\nsystem\n(S"ls"\ntR.'), plain), /opcode 0x28|opcode 0x69/);
    assert.throws(() => readPickle(Buffer.from('cbuiltins\neval\n(S"1"\ntR.'), plain), /refers to builtins\.eval/);
  });
  it('calls a file that is neither format by its name', () => {
    assert.throws(() => readTorchStateDict(Buffer.from('hello, world'), 'notes.pth'), /^WeightFileError: notes\.pth is not a PyTorch state_dict this reader accepts/);
  });
});

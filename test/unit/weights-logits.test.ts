/**
 * torchvision architectures with PyTorch's weights give PyTorch's logits: seeded random weights saved by torch
 * (BatchNorm statistics and affine parameters away from their defaults) are loaded from the .pth into the zoo's
 * model file by `cnnlab predict MODEL --weights FILE --json`, and a real picture goes through the model file's
 * evaluation preprocessing (Resize(256), CenterCrop(224), Normalize(ImageNet)) as torchvision's PIL pipeline takes
 * it. Logits within 1e-3 of the largest, relative. Fixtures: scripts/torch-pretrained-logits.py, at test time.
 * Also: strict loading refuses another architecture's file, naming what does not fit.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runPredict } from '../../src/cli/predict';
import { tempDir } from '../fixtures/datasets/generate';
import { python, pythonHas } from '../fixtures/python';

const MODELS = ['resnet18', 'mobilenet_v2', 'efficientnet_b0', 'googlenet'];
const zoo = join(__dirname, '..', '..', 'examples', 'zoo');
const hasTorchvision = pythonHas('torchvision, PIL') && pythonHas('numpy');
const { fresh, cleanup } = tempDir('cnnlab-logits-');
after(cleanup);

async function predict(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const captured = { stdout: '', stderr: '' };
  const status = await runPredict([...args, '--backend', 'wasm'], { out: (t) => void (captured.stdout += t), err: (t) => void (captured.stderr += t) });
  return { status, ...captured };
}

/** Every logit within 1e-3 of the largest (in absolute value) of PyTorch's. */
function assertLogits(logits: number[], ref: number[]): void {
  assert.equal(logits.length, ref.length);
  const scale = Math.max(...ref.map(Math.abs));
  const worst = Math.max(...ref.map((v, i) => Math.abs(v - logits[i])));
  assert.ok(worst <= 1e-3 * scale, `largest logit difference ${worst} against a largest logit of ${scale}`);
}

describe('PyTorch weights in zoo models give PyTorch logits', { skip: !hasTorchvision && 'needs /usr/bin/python3 with torchvision, PIL and numpy' }, () => {
  const dir = hasTorchvision ? fresh('torch') : '';
  const reference = hasTorchvision
    ? (JSON.parse(execFileSync(python, [join(__dirname, '..', '..', 'scripts', 'torch-pretrained-logits.py'), dir, ...MODELS], { maxBuffer: 16 << 20 }).toString()) as Record<string, number[]>)
    : {};
  const resized = (reference as unknown as { resized?: Record<string, number[]> }).resized ?? {};

  for (const name of MODELS) {
    it(`${name}: cnnlab predict --weights --json gives every logit and probability, equal to PyTorch's`, { timeout: 300_000 }, async () => {
      const r = await predict([join(zoo, `${name}.cnn.yaml`), join(dir, 'picture.png'), '--weights', join(dir, `${name}.pth`), '--json']);
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { logits: number[]; probabilities: number[]; predictions: Array<{ index: number; probability: number }> };
      assertLogits(out.logits, reference[name]);
      assert.ok(Math.abs(out.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
      assert.equal(out.predictions[0].probability, out.probabilities[out.predictions[0].index]);
    });
  }

  it(`${MODELS[0]} on a picture Resize(256) really resamples (331×383 to 256×296, antialiased): PyTorch's logits`, { timeout: 300_000 }, async () => {
    const r = await predict([join(zoo, `${MODELS[0]}.cnn.yaml`), join(dir, 'picture-resized.png'), '--weights', join(dir, `${MODELS[0]}.pth`), '--json']);
    assert.equal(r.status, 0, r.stderr);
    assertLogits((JSON.parse(r.stdout) as { logits: number[] }).logits, resized[MODELS[0]]);
  });

  it('refuses another architecture\'s weights (strict), naming the missing and unexpected keys', { timeout: 120_000 }, async () => {
    const r = await predict([join(zoo, 'mobilenet_v2.cnn.yaml'), join(dir, 'picture.png'), '--weights', join(dir, 'resnet18.pth')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /resnet18\.pth cannot be loaded into .*mobilenet_v2\.cnn\.yaml: they do not fit the model: 314 missing \(features\.0\.0\.weight, .*\); 122 unexpected \(conv1\.weight, /);
  });
});

describe('cnnlab predict with a model file', () => {
  it('needs --weights', async () => {
    const r = await predict([join(zoo, 'resnet18.cnn.yaml'), 'picture.png']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /a model file needs --weights FILE/);
  });
});

/** The pipeline reader: transforms in call syntax, resolved arguments, sizes through the pipeline, and its diagnostics. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';

const model = (input: string, data: string) => {
  const features = (JSON.parse(input) as number[]).reduce((a, b) => a * b, 1);
  return analyzeModel(`name: t\ninput: ${input}\nlayers:\n  - Flatten()\n  - Linear(${features}, 10)\ndata:\n  dataset: cifar10\n${data}`);
};
const problems = (a: ReturnType<typeof analyzeModel>, code: string) => a.diagnostics.filter((d) => d.code === code);

describe('data.transforms pipelines', () => {
  it('reads the CIFAR pipeline with torchvision defaults and derives the test pipeline without random steps', () => {
    const a = model('[3, 32, 32]', '  transforms:\n    train: [RandomCrop(32, padding=4), RandomHorizontalFlip(), Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))]\n');
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(a.pipeline.train.map((s) => s.type), ['RandomCrop', 'RandomHorizontalFlip', 'Normalize']);
    assert.deepEqual(a.pipeline.train[0].args, { size: 32, padding: 4, pad_if_needed: false, fill: 0, padding_mode: 'constant' });
    assert.equal(a.pipeline.train[1].args.p, 0.5);
    assert.equal(a.pipeline.fitToInput, false);
    assert.equal(a.pipeline.testDerived, true);
    assert.deepEqual(a.pipeline.test.map((s) => s.type), ['Normalize']);
  });

  it('follows sizes through Resize (aspect kept for an int) and CenterCrop', () => {
    const a = model('[3, 24, 24]', '  transforms:\n    train: [Resize(28), RandomResizedCrop(24)]\n    test: [Resize(28), CenterCrop(24)]\n');
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(a.pipeline.test.map((s) => [s.inputSize, s.outputSize]), [[[32, 32], [28, 28]], [[28, 28], [24, 24]]]);
  });

  it('writes each step as torchvision reads it: pairs stay pairs (Resize((n, n)) is not Resize(n); translate needs two numbers)', () => {
    const a = model('[3, 24, 24]', '  transforms:\n    train: [Resize((24, 24)), RandomAffine(10, translate=(0.1, 0.1), scale=(0.9, 0.9)), RandomCrop(24, padding=2)]\n    test: [Resize((24, 24))]\n');
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.deepEqual(a.pipeline.train.map((s) => s.text), ['Resize((24, 24))', 'RandomAffine(10, translate=(0.1, 0.1), scale=(0.9, 0.9))', 'RandomCrop(24, padding=2)']);
  });

  it('a pipeline whose output is not input\'s size is an error with the worked sizes', () => {
    const [e] = problems(model('[3, 32, 32]', '  transforms:\n    train: [Resize(40)]\n    test: [Resize(40)]\n'), 'transform-size');
    assert.match(e.message, /data\.transforms\.train gives 40×40 images but input is 3×32×32 \(cifar10 images 32×32 → Resize\(40\) → 40×40\)/);
  });

  it('a derived test pipeline of the wrong size says so and proposes a test pipeline', () => {
    const errors = problems(model('[3, 24, 24]', '  transforms:\n    train: [RandomResizedCrop(24)]\n'), 'transform-size');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /data\.transforms\.test is not written/);
    assert.match(errors[0].message, /\[Resize\(24\), CenterCrop\(24\)\]/);
  });

  it('imagefolder: a random first step is refused with the reason and a pipeline that works', () => {
    const folder = (train: string) => analyzeModel(`name: t\ninput: [3, 224, 224]\nlayers:\n  - Flatten()\n  - Linear(150528, 2)\ndata:\n  dataset: imagefolder\n  path: photos\n  transforms:\n    train: ${train}\n    test: [Resize(256), CenterCrop(224)]\n`);
    const [e] = problems(folder('[RandomResizedCrop(224), RandomHorizontalFlip()]'), 'transform-size');
    assert.match(e.message, /decodes them once and keeps them at the size the pipeline's leading non-random steps give \(not each at its own size, which would keep every decoded original in memory\)/);
    assert.match(e.message, /the random RandomResizedCrop cannot come first: .* e\.g\. \[Resize\(256\), CenterCrop\(256\), RandomResizedCrop\(224\), …\]/);
    assert.deepEqual(folder('[Resize(256), CenterCrop(256), RandomResizedCrop(224), RandomHorizontalFlip()]').diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('names an unknown transform with a fix, and refuses augment / normalize next to transforms', () => {
    const a = model('[3, 32, 32]', '  normalize: {mean: [0.5], std: [0.5]}\n  transforms:\n    train: [RandomHorizontalFlp()]\n');
    const [unknown] = problems(a, 'unknown-transform');
    assert.match(unknown.message, /Unknown transform 'RandomHorizontalFlp'.*RandomHorizontalFlip/);
    assert.equal(unknown.fixes?.[0].newText, 'RandomHorizontalFlip');
    assert.match(problems(a, 'transforms-conflict')[0].message, /data\.normalize cannot be combined with data\.transforms/);
  });
});

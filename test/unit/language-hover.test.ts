import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hoverAt } from '../../src/language/hover';
import { analyse, loadFixture, positionOf } from '../fixtures/language/load';

describe('hover', () => {
  const fashion = loadFixture('fashion');

  it('explains the first Conv2d of the Fashion-MNIST model with numbers filled in', () => {
    const hover = hoverAt(fashion.analysis, fashion.src, positionOf(fashion.text, 'Conv2d(1, 16', 2));
    assert.ok(hover);
    const md = hover.markdown;
    assert.match(md, /Conv2d\(1, 16, kernel_size=3, padding=1\)/);
    assert.match(md, /`1×28×28` → `16×28×28`/);
    assert.ok(md.includes('H: ⌊(28 + 2·1 − 3)/1⌋ + 1 = 28'), md);
    assert.ok(md.includes('W: ⌊(28 + 2·1 − 3)/1⌋ + 1 = 28'), md);
    assert.ok(md.includes('16·(1·3² + 1) = 160'), md);
    assert.match(md, /MACs.*112,896/);
    assert.match(md, /3×3 input pixels/);
    assert.match(md, /Defaults: `stride=1, dilation=1, groups=1, bias=True/);
    assert.deepEqual(hover.range, fashion.analysis.layers[0].range);
    assert.equal(hover.layerIndex, 1, 'a layer hover names its layer (for "Show feature maps")');
  });

  it('shows the inferred in_channels of a mapping-form convolution', () => {
    const hover = hoverAt(fashion.analysis, fashion.src, positionOf(fashion.text, 'conv2d: {out', 1));
    assert.ok(hover);
    assert.match(hover.markdown, /Conv2d\(16, 32, kernel_size=3, padding=1\)/);
    assert.equal(hover.layerIndex, fashion.analysis.layers.find((l) => l.type === 'Conv2d' && l.outputShape[0] === 32)?.index);
    assert.match(hover.markdown, /`16×14×14` → `32×14×14`/);
    assert.ok(hover.markdown.includes('32·(16·3² + 1) = 4,640'), hover.markdown);
  });

  it('documents an argument name, with the value it has here', () => {
    const hover = hoverAt(fashion.analysis, fashion.src, positionOf(fashion.text, 'padding=1', 3));
    assert.ok(hover);
    assert.match(hover.markdown, /^\*\*padding\*\*/);
    assert.match(hover.markdown, /'same' keeps the size/);
    assert.match(hover.markdown, /Here: `padding=\(1, 1\)`/);
    assert.equal(hover.range.end.character - hover.range.start.character, 'padding'.length);
    assert.equal(hover.layerIndex, undefined, 'an argument hover has no feature-maps link');
  });

  it('documents mapping-form keys as arguments', () => {
    const hover = hoverAt(fashion.analysis, fashion.src, positionOf(fashion.text, 'kernel_size: 3', 2));
    assert.match(hover?.markdown ?? '', /^\*\*kernel_size\*\*: `int \| tuple\[int, int\]`/);
  });

  it('explains input with the model numbers', () => {
    const hover = hoverAt(fashion.analysis, fashion.src, { line: 1, character: 2 });
    assert.match(hover?.markdown ?? '', /\*\*input\*\* `1×28×28`/);
    assert.match(hover?.markdown ?? '', /784 values/);
    assert.match(hover?.markdown ?? '', /Output of the network: `10`/);
  });

  it('documents dataset, optimizer and loss values and keys from the core schema', () => {
    const dataset = hoverAt(fashion.analysis, fashion.src, positionOf(fashion.text, 'fashion-mnist', 3));
    assert.match(dataset?.markdown ?? '', /\*\*dataset: fashion-mnist\*\*/);
    assert.match(dataset?.markdown ?? '', /Zalando/);
    const optimizer = hoverAt(fashion.analysis, fashion.src, positionOf(fashion.text, 'optimizer:', 2));
    assert.match(optimizer?.markdown ?? '', /\*\*train\.optimizer\*\* \(default `adam`\)/);
    const loss = hoverAt(fashion.analysis, fashion.src, positionOf(fashion.text, 'cross_entropy', 1));
    assert.match(loss?.markdown ?? '', /\*\*loss: cross_entropy\*\*/);
    const patience = hoverAt(fashion.analysis, fashion.src, positionOf(fashion.text, 'patience', 1));
    assert.match(patience?.markdown ?? '', /\*\*train\.early_stopping\.patience\*\*/);
  });

  it('flags an unknown dataset value in the hover', () => {
    const m = analyse('input: [1, 28, 28]\nlayers:\n  - Flatten()\ndata:\n  dataset: fashion\n');
    const hover = hoverAt(m.analysis, m.src, { line: 4, character: 12 });
    assert.match(hover?.markdown ?? '', /not one of shapes, mnist, fashion-mnist/);
  });

  it('never throws on malformed files, at any position', () => {
    const broken = [
      'layers:\n  - Conv2d(1, 16,\n  - relu: {\ninput: [',
      'input: [1, 28, 28]\nlayers: [Conv2d(1, 4, 3), relu, {conv2d: }]\ntrain: {optimizer: }',
      '\t- : : :\n  - "Conv2d(1,\n#',
      'input: [1, 28, 28]\nlayers:\n  - conv2d:\n      kernel_size: [3, 3\n',
    ];
    for (const text of broken) {
      const m = analyse(text);
      for (let line = 0; line < m.src.text.split('\n').length; line++) {
        for (let character = 0; character <= m.src.lineText(line).length; character++) hoverAt(m.analysis, m.src, { line, character });
      }
    }
  });
});

describe('hover on a transform', () => {
  const model = analyse(`name: t
input: [3, 40, 48]
layers:
  - Flatten()
  - Linear(3*32*32, 10)
data:
  dataset: shapes
  transforms:
    train: [RandomResizedCrop(32), RandomHorizontalFlip(), Normalize((0.5,), (0.5,))]
    test: [Resize(36), CenterCrop(32)]
`);

  it('shows what it does, its arguments with defaults and the sizes before and after', () => {
    const hover = hoverAt(model.analysis, model.src, positionOf(model.text, 'Resize(36', 2));
    assert.ok(hover);
    assert.match(hover.markdown, /\*\*Resize\*\* · step 1 of data\.transforms\.test/);
    assert.match(hover.markdown, /Resize\(size=36, interpolation='bilinear', max_size=None, antialias=None\)/);
    assert.match(hover.markdown, /`40×48` → `36×43`/);
    assert.match(hover.markdown, /shorter side/);
    assert.equal(model.text.slice(model.src.offset(hover.range.start), model.src.offset(hover.range.end)), 'Resize(36)');
  });

  it('says a random transform is drawn for every image and follows the sizes through the pipeline', () => {
    const flip = hoverAt(model.analysis, model.src, positionOf(model.text, 'RandomHorizontalFlip', 3));
    assert.ok(flip);
    assert.match(flip.markdown, /step 2 of data\.transforms\.train · random/);
    assert.match(flip.markdown, /RandomHorizontalFlip\(p=0\.5\)/);
    assert.match(flip.markdown, /`32×32` → `32×32`/);
    const crop = hoverAt(model.analysis, model.src, positionOf(model.text, 'CenterCrop', 1));
    assert.match(crop?.markdown ?? '', /`36×43` → `32×32`/);
  });
});

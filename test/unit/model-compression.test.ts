/**
 * The compression ratio of reconstruction models (input values / bottleneck values), hand-computed on the examples,
 * and the hovers that show it (on `task:` and on the bottleneck layer).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hoverAt } from '../../src/language/hover';
import { compressionOf } from '../../src/model/tasks/compression';
import { analyse, positionOf } from '../fixtures/language/load';

const example = (name: string) => analyse(readFileSync(join(__dirname, '..', '..', 'examples', `${name}.cnn.yaml`), 'utf8'));

describe('compression ratio', () => {
  it('linear autoencoder: 1·28·28 = 784 values through Linear(128, 32): 784 / 32 = 24.5×', () => {
    const c = compressionOf(example('linear-autoencoder').analysis);
    assert.ok(c);
    assert.equal(c.inputValues, 784);
    assert.equal(c.bottleneckValues, 32);
    assert.equal(c.ratio, 24.5);
    // Flatten 784, Linear 128, ReLU 128, Linear 32 (layer 4) and its ReLU (layer 5) are the code.
    assert.deepEqual(c.bottleneck.map((l) => [l.index, l.type]), [[4, 'Linear'], [5, 'ReLU']]);
  });

  it('conv autoencoder: the code 32·7·7 = 1,568 values holds twice the input’s 784: 0.5×', () => {
    // Layer outputs: 16·14·14 = 3,136, 3,136, 32·7·7 = 1,568, 1,568, 3,136, 3,136, then 1·28·28 = 784 twice: the
    // last ConvTranspose2d and Sigmoid output the reconstruction, not a code, so the minimum is the second Conv2d.
    const c = compressionOf(example('conv-autoencoder').analysis);
    assert.ok(c);
    assert.deepEqual([c.inputValues, c.bottleneckValues, c.ratio], [784, 1568, 0.5]);
    assert.deepEqual(c.bottleneck.map((l) => [l.index, l.type]), [[3, 'Conv2d'], [4, 'ReLU']]);
  });

  it('a pooled conv encoder: 3·32·32 = 3,072 values over an 8·4·4 = 128 code is 24×', () => {
    const m = analyse([
      'task: reconstruction', 'input: [3, 32, 32]', 'layers:',
      '  - Conv2d(3, 8, 3, padding=1)', '  - MaxPool2d(8)', '  - Upsample(scale_factor=8)', '  - Conv2d(8, 3, 3, padding=1)', '',
    ].join('\n'));
    assert.deepEqual(m.analysis.diagnostics.filter((d) => d.severity === 'error'), []);
    const c = compressionOf(m.analysis);
    assert.deepEqual([c?.inputValues, c?.bottleneckValues, c?.ratio], [3072, 128, 24]);
  });

  it('is undefined for classification and for a model that is only its output layer', () => {
    assert.equal(compressionOf(analyse('input: [1, 28, 28]\nlayers:\n  - Flatten()\n  - Linear(784, 10)\n').analysis), null);
    assert.equal(compressionOf(analyse('task: reconstruction\ninput: [1, 8, 8]\nlayers:\n  - Conv2d(1, 1, 3, padding=1)\n').analysis), null);
  });
});

describe('compression hover', () => {
  it('on task: reconstruction, key and value', () => {
    const m = example('linear-autoencoder');
    const key = hoverAt(m.analysis, m.src, positionOf(m.text, 'task:', 1));
    assert.match(key?.markdown ?? '', /^\*\*task\*\* — /);
    assert.ok(key?.markdown.includes('**Compression** 24.5× — 784 input values / 32 at the bottleneck (Linear at layer 4, `32`)'), key?.markdown);
    const value = hoverAt(m.analysis, m.src, positionOf(m.text, 'reconstruction', 2));
    assert.match(value?.markdown ?? '', /^\*\*task: reconstruction\*\* — The model rebuilds its input/);
    assert.match(value?.markdown ?? '', /Compression\*\* 24\.5×/);
  });

  it('on the bottleneck layer only', () => {
    const m = example('conv-autoencoder');
    const code = hoverAt(m.analysis, m.src, positionOf(m.text, 'Conv2d(16, 32', 1));
    assert.ok(code?.markdown.includes('**Compression** 0.5× — 784 input values / 1,568 at the bottleneck (Conv2d at layer 3, `32×7×7`)'), code?.markdown);
    assert.match(code?.markdown ?? '', /more values than the input: nothing is compressed/);
    const first = hoverAt(m.analysis, m.src, positionOf(m.text, 'Conv2d(1, 16', 1));
    assert.doesNotMatch(first?.markdown ?? '', /Compression/);
  });

  it('not on a classification model', () => {
    const m = analyse('task: classification\ninput: [1, 28, 28]\nlayers:\n  - Flatten()\n  - Linear(784, 10)\n');
    assert.doesNotMatch(hoverAt(m.analysis, m.src, positionOf(m.text, 'task:', 1))?.markdown ?? '', /Compression/);
    assert.doesNotMatch(hoverAt(m.analysis, m.src, positionOf(m.text, 'Linear', 1))?.markdown ?? '', /Compression/);
  });
});

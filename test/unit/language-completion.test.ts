import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionsAt } from '../../src/language/completion';
import { TRANSFORM_CATALOG } from '../../src/model/transforms/catalog';
import { analyse } from '../fixtures/language/load';

/** Completions at the `|` marker of `text` (the marker is removed). */
function at(text: string) {
  const offset = text.indexOf('|');
  const m = analyse(text.replace('|', ''));
  return completionsAt(m.src, m.src.position(offset));
}

const head = 'input: [1, 28, 28]\nlayers:\n';

describe('completion', () => {
  it('offers every layer in call syntax and in mapping form after "- "', () => {
    const items = at(`${head}  - Co|\n`);
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('Conv2d(…)'));
    assert.ok(labels.includes('conv2d: {…}'));
    assert.ok(labels.includes('relu'));
    assert.ok(labels.includes('Linear(…)'));
    assert.equal(items.filter((i) => i.kind === 'layer').length, 62); // 31 layers, each in both forms
    const conv = items.find((i) => i.label === 'Conv2d(…)');
    assert.equal(conv?.insertText, 'Conv2d(${1:in_channels}, ${2:out_channels}, ${3:kernel_size})$0');
    assert.equal(conv?.snippet, true);
    assert.match(conv?.documentation ?? '', /Conv2d\(in_channels, out_channels, kernel_size, stride=1, padding=0/);
    // The mapping form leaves out what is inferred (in_channels).
    assert.equal(items.find((i) => i.label === 'conv2d: {…}')?.insertText, 'conv2d: {out_channels: ${1}, kernel_size: ${2}}$0');
    assert.equal(items.find((i) => i.label === 'batchnorm2d')?.insertText, 'batchnorm2d');
  });

  it('offers the arguments not yet given inside a call, positional ones counted', () => {
    const items = at(`${head}  - Conv2d(1, 16, 3, |)\n`);
    const labels = items.map((i) => i.label);
    assert.deepEqual(labels, ['stride', 'padding', 'dilation', 'groups', 'bias', 'padding_mode']);
    assert.equal(items[1].insertText, 'padding=');
    assert.match(items[1].documentation, /zeros added on each side/);
    assert.equal(items[0].detail, 'int | tuple[int, int] = 1');
  });

  it('skips keyword arguments already written, and unsupported ones', () => {
    const labels = at(`${head}  - MaxPool2d(2, stride=2, |\n`).map((i) => i.label);
    assert.deepEqual(labels, ['padding', 'dilation', 'ceil_mode']);
  });

  it('offers argument values spelled for the form', () => {
    assert.deepEqual(at(`${head}  - Conv2d(1, 8, 3, padding=|\n`).map((i) => i.label), ["'same'", "'valid'"]);
    assert.deepEqual(at(`${head}  - Conv2d(1, 8, 3, bias=|\n`).map((i) => i.label), ['True', 'False']);
    assert.deepEqual(at(`${head}  - conv2d: {out_channels: 8, padding_mode: |}\n`).map((i) => i.label), ['zeros', 'reflect', 'replicate', 'circular']);
    assert.deepEqual(at(`${head}  - maxpool2d: {kernel_size: 2, ceil_mode: |}\n`).map((i) => i.label), ['true', 'false']);
  });

  it('offers mapping keys in flow and block mappings', () => {
    const flow = at(`${head}  - conv2d: {out_channels: 8, |}\n`).map((i) => i.label);
    assert.deepEqual(flow.slice(0, 2), ['in_channels', 'kernel_size']);
    assert.ok(!flow.includes('out_channels'));
    const block = at(`${head}  - conv2d:\n      out_channels: 8\n      |\n`);
    assert.ok(block.some((i) => i.label === 'kernel_size' && i.insertText === 'kernel_size: '));
    assert.ok(!block.some((i) => i.label === 'out_channels'));
  });

  it('offers datasets, optimizers and losses with their documentation', () => {
    const datasets = at(`${head}  - Flatten()\ndata:\n  dataset: |\n`);
    assert.deepEqual(datasets.map((i) => i.label), ['shapes', 'mnist', 'fashion-mnist', 'cifar10', 'imagefolder', 'maskfolder', 'yolofolder', 'coco']);
    assert.match(datasets[2].documentation, /Zalando/);
    assert.deepEqual(at(`${head}  - Flatten()\ntrain: {optimizer: |}\n`).map((i) => i.label), ['sgd', 'adam', 'adamw', 'rmsprop']);
    assert.deepEqual(at(`${head}  - Flatten()\ntrain:\n  loss: c|\n`).map((i) => i.label), ['cross_entropy', 'nll', 'mse', 'bce']);
  });

  it('offers the losses of the file’s task, its default first', () => {
    const losses = at(`task: reconstruction\n${head}  - Flatten()\ntrain: {loss: |}\n`);
    assert.deepEqual(losses.map((i) => i.label), ['mse', 'l1', 'bce', 'bce_with_logits']);
    assert.match(losses[0].documentation, /mse/);
  });

  it('offers the keys of data and train, and nested keys', () => {
    const train = at(`${head}  - Flatten()\ntrain:\n  |\n`);
    assert.ok(train.some((i) => i.label === 'batch_size' && /Images per gradient step/.test(i.documentation)));
    assert.ok(train.some((i) => i.label === 'early_stopping' && i.snippet));
    const nested = at(`${head}  - Flatten()\ntrain: {early_stopping: {|}}\n`).map((i) => i.label);
    assert.deepEqual(nested, ['patience', 'min_delta']);
    const data = at(`${head}  - Flatten()\ndata: { dataset: mnist, |}\n`).map((i) => i.label);
    assert.ok(data.includes('validation_split') && data.includes('augment'));
  });

  it('offers top-level keys at column 0 and nothing inside comments or tuples', () => {
    assert.deepEqual(at('|').map((i) => i.label), ['name', 'task', 'input', 'classes', 'layers', 'data', 'train', 'weights']);
    assert.deepEqual(at(`${head}  - Conv2d(1, 8, kernel_size=(3, |\n`), []);
    assert.deepEqual(at(`${head}  - UnknownLayer(|\n`), []);
  });
});

describe('completion of transforms', () => {
  const ALL = Object.keys(TRANSFORM_CATALOG).length; // 15 from the issue, and ToTensor
  const model = `${head}  - Flatten()\ndata:\n  transforms:\n`;
  const names = (text: string) => at(text).filter((i) => i.kind === 'transform').map((i) => i.label);

  it('offers every transform in a flow list of train or test, after a comma too', () => {
    const first = at(`${model}    train: [Ra|]\n`);
    assert.equal(first.length, ALL);
    assert.ok(first.every((i) => i.kind === 'transform'));
    const crop = first.find((i) => i.label === 'RandomCrop(…)');
    assert.equal(crop?.insertText, 'RandomCrop(${1:size})$0');
    assert.match(crop?.documentation ?? '', /RandomCrop\(size, padding=None, pad_if_needed=False, fill=0, padding_mode='constant'\)/);
    assert.equal(names(`${model}    test: [Resize(256), |]\n`).length, ALL);
    assert.equal(names(`data:\n  transforms: {train: [Resize(256), C|]}\n`).length, ALL);
  });

  it('offers them for a block list item, and not inside arguments or outside data.transforms', () => {
    assert.equal(names(`${model}    train:\n      - Ra|\n`).length, ALL);
    assert.deepEqual(names(`${model}    train: [RandomCrop(3|)]\n`), []);
    assert.deepEqual(names(`${model}    train: [RandomCrop((3, |)]\n`), []);
    assert.deepEqual(names(`${head}  - Ra|\n`), []);
    assert.deepEqual(names(`data:\n  include_classes: [a, |]\n`), []);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { blocksHolding, visibleItems, type SummaryTableItem } from '../../media/summary/summaryRows';
import type { SummaryViewModel } from '../../src/protocol/webview-summary';
import { buildSummaryViewModel } from '../../src/webviews/summary/summaryViewModel';
import { analyse, loadFixture } from '../fixtures/language/load';

const zooText = (name: string) => readFileSync(join(__dirname, '..', '..', 'examples', 'zoo', `${name}.cnn.yaml`), 'utf8');
const zoo = (name: string, extra = '') => buildSummaryViewModel(analyse(zooText(name) + extra).analysis, `file:///w/${name}.cnn.yaml`, `${name}.cnn.yaml`);

/** What the table shows, one string per row: blocks as `[path] shape params`, layers as `name text`, indented. */
function lines(vm: SummaryViewModel, items: SummaryTableItem[]): string[] {
  return items.map((it) =>
    it.kind === 'block'
      ? `${'  '.repeat(it.depth)}${it.expanded ? '-' : '+'}${it.block.path} ${it.block.outputShape.join('x')} ${it.block.params}/${it.block.trainableParams}`
      : `${'  '.repeat(it.depth)}${it.name ?? '·'} ${vm.rows[it.row].type}`,
  );
}

describe('summary blocks', () => {
  it('folds ResNet-50 into its stages: one row per layerN with its output shape and parameters', () => {
    const vm = zoo('resnet50');
    assert.deepEqual(lines(vm, visibleItems(vm, new Set())), [
      'conv1 Conv2d', 'bn1 BatchNorm2d', 'relu ReLU', 'maxpool MaxPool2d',
      // torchvision: sum(p.numel() for p in resnet50().layerN.parameters())
      '+layer1 256x56x56 215808/215808',
      '+layer2 512x28x28 1219584/1219584',
      '+layer3 1024x14x14 7098368/7098368',
      '+layer4 2048x7x7 14964736/14964736',
      'avgpool AdaptiveAvgPool2d', '· Flatten', 'fc Linear',
    ]);
    const total = vm.blocks?.filter((b) => !b.path.includes('.')).reduce((n, b) => n + b.params, 0) ?? 0;
    assert.equal(total + vm.rows.filter((r) => !r.module?.startsWith('layer')).reduce((n, r) => n + r.params, 0), 25557032);
  });

  it('shows a block\'s layers and sub-blocks (torch\'s module names) only while it and its parents are expanded', () => {
    const vm = zoo('resnet50');
    const layer1 = lines(vm, visibleItems(vm, new Set(['layer1'])));
    assert.deepEqual(layer1.slice(4, 12), [
      '-layer1 256x56x56 215808/215808',
      '  +layer1.0 256x56x56 75008/75008',
      '  relu ReLU',
      '  +layer1.1 256x56x56 70400/70400',
      '  relu ReLU',
      '  +layer1.2 256x56x56 70400/70400',
      '  relu ReLU',
      '+layer2 512x28x28 1219584/1219584',
    ]);
    const inner = lines(vm, visibleItems(vm, new Set(['layer1', 'layer1.0'])));
    assert.deepEqual(inner.slice(5, 15), [
      '  -layer1.0 256x56x56 75008/75008',
      '    conv1 Conv2d', '    bn1 BatchNorm2d', '    relu ReLU', '    conv2 Conv2d', '    bn2 BatchNorm2d', '    relu ReLU',
      '    conv3 Conv2d', '    bn3 BatchNorm2d',
      '    +layer1.0.downsample 256x56x56 16896/16896',
    ]);
    // An inner block expanded under a collapsed one stays hidden.
    assert.deepEqual(lines(vm, visibleItems(vm, new Set(['layer1.0']))), lines(vm, visibleItems(vm, new Set())));
    assert.deepEqual(blocksHolding(vm, vm.rows.findIndex((r) => r.module === 'layer1.0.downsample.1')), ['layer1', 'layer1.0', 'layer1.0.downsample']);
  });

  it('counts frozen parameters in each block', () => {
    const vm = zoo('resnet50', 'train:\n  freeze: [conv1, bn1, layer1, layer2.0]\n');
    const byPath = new Map(vm.blocks?.map((b) => [b.path, b]));
    assert.equal(byPath.get('layer1')?.trainableParams, 0);
    assert.equal(byPath.get('layer2')?.params, 1219584);
    assert.equal(byPath.get('layer2')?.trainableParams, 1219584 - 379392);
    assert.equal(byPath.get('layer3')?.trainableParams, 7098368);
  });

  it('gives an Inception block the shape of its concat, and each branch its own', () => {
    const vm = zoo('googlenet');
    const byPath = new Map(vm.blocks?.map((b) => [b.path, b]));
    assert.deepEqual(byPath.get('inception3a')?.outputShape, [256, 28, 28]);
    assert.deepEqual(byPath.get('inception3a.branch1')?.outputShape, [64, 28, 28]);
    assert.deepEqual(byPath.get('inception3a.branch2')?.outputShape, [128, 28, 28]);
    assert.deepEqual(byPath.get('inception5b')?.outputShape, [1024, 7, 7]);
  });

  it('keeps a model without named blocks flat, without nn.Sequential\'s position numbers', () => {
    const vm = buildSummaryViewModel(loadFixture('fashion').analysis, 'file:///f', 'f');
    assert.deepEqual(vm.blocks, []);
    const items = visibleItems(vm, new Set());
    assert.equal(items.length, vm.rows.length);
    assert.ok(items.every((it) => it.kind === 'layer' && it.depth === 0 && it.name === undefined));
  });

  it('draws a model saved before blocks as a flat table', () => {
    const vm = zoo('resnet50');
    const old = { ...vm, blocks: undefined };
    assert.equal(visibleItems(old, new Set()).length, vm.rows.length);
  });
});

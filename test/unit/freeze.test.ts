/**
 * train.freeze: the analysis reads the three forms (module names, {until: …}, all), counts frozen parameters as
 * non-trainable in the totals, summary, inlay hints and hover, and reports names that match nothing with a
 * did-you-mean fix; in training, frozen parameters and a frozen BatchNorm's running statistics do not move while
 * the rest trains.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeModel, formatSummaryTable, summaryJson } from '../../src/model';
import { frozenLayerRanges } from '../../src/language/frozenLayers';
import { inlayHints } from '../../src/language/inlayHints';
import { layerHoverMarkdown } from '../../src/language/layerHover';
import { SourceText } from '../../src/model/parse/sourceText';
import { frozenIndices } from '../../src/model/freeze';
import { buildModel } from '../../src/trainer/engine/model';
import type { TF } from '../../src/trainer/engine/tf';
import { trainModel } from '../../src/trainer/engine/train';
import { analyze, cpuTf, quadrantSet } from './engine-fixtures';

const MODEL = (freeze: string) => `
name: frozen
input: [1, 8, 8]
classes: [a, b, c, d]
layers:
  - features:
      - Conv2d(1, 4, 3, padding=1)
      - BatchNorm2d(4)
      - ReLU()
  - layer1:
      - conv: Conv2d(4, 4, 3, padding=1)
      - relu: ReLU()
  - pool: MaxPool2d(2)
  - flat: Flatten()
  - fc: Linear(64, 4)
train:
  epochs: 1
  batch_size: 16
  lr: 0.05
  seed: 5
${freeze ? `  freeze: ${freeze}` : ''}
`;

// Conv2d(1,4,3)+bias: 40, BatchNorm2d(4): 8, Conv2d(4,4,3)+bias: 148, Linear(64,4): 260.
const TOTAL = 40 + 8 + 148 + 260;

describe('train.freeze in the analysis', () => {
  const frozenModules = (freeze: string) => analyze(MODEL(freeze)).layers.filter((l) => l.frozen).map((l) => l.module);

  it('freezes named modules and whole blocks (a list), everything through a block ({until}), or every layer (all)', () => {
    assert.deepEqual(frozenModules('[features]'), ['features.0', 'features.1', 'features.2']);
    assert.deepEqual(frozenModules('[features.1, fc]'), ['features.1', 'fc']);
    assert.deepEqual(frozenModules('{until: layer1}'), ['features.0', 'features.1', 'features.2', 'layer1.conv', 'layer1.relu']);
    assert.deepEqual(frozenModules('{until: features.0}'), ['features.0']);
    assert.equal(frozenModules('all').length, 8);
    assert.deepEqual(frozenModules(''), []);
  });

  it('counts frozen parameters as non-trainable in the totals, the summary table and JSON', () => {
    const a = analyze(MODEL('{until: layer1}'));
    assert.equal(a.totals.params, TOTAL);
    assert.equal(a.totals.trainableParams, 260);
    assert.match(formatSummaryTable(a), /Trainable params: 260\b/);
    assert.match(formatSummaryTable(a), /Non-trainable params: 196\b/);
    const json = summaryJson(a);
    assert.equal(json.trainableParams, 260);
    assert.deepEqual(json.layers.map((l) => l.trainableParams), [0, 0, 0, 0, 0, 0, 0, 260]);
  });

  it('says "frozen" in inlay hints and hovers, and gives the editor the frozen items to grey', () => {
    const text = MODEL('[features]');
    const a = analyze(text);
    const labels = inlayHints(a, new SourceText(text)).map((h) => h.label);
    assert.ok(labels.includes('→ 4×8×8 · 40 frozen params'), labels.join(' | '));
    assert.ok(labels.includes('→ 4×8×8 · 148 params'), labels.join(' | '));
    assert.match(layerHoverMarkdown(a.layers[1]), /\*\*Frozen\*\* by `train.freeze`: .*running statistics stay/);
    assert.doesNotMatch(layerHoverMarkdown(a.layers[3]), /Frozen/);
    assert.deepEqual(frozenLayerRanges(a).map((r) => r.start.line), [6, 7, 8]);
  });

  it('reports a name that matches no layer or block, with a did-you-mean fix', () => {
    const a = analyzeModel(MODEL('[features, layr1]'));
    const d = a.diagnostics.find((x) => x.code === 'unknown-module');
    assert.ok(d, JSON.stringify(a.diagnostics));
    assert.equal(d.severity, 'error');
    assert.equal(d.message, "train.freeze: no layer or block is named 'layr1'. Did you mean 'layer1'?");
    assert.equal(d.fixes?.[0].newText, 'layer1');
    assert.equal(d.range.start.line, MODEL('[features, layr1]').split('\n').findIndex((l) => l.includes('freeze:')));
    const until = analyzeModel(MODEL('{until: fc2}')).diagnostics.find((x) => x.code === 'unknown-module');
    assert.match(until?.message ?? '', /no layer or block is named 'fc2'\. Did you mean 'fc'\?/);
    assert.ok(analyzeModel(MODEL('{upto: fc}')).diagnostics.some((x) => x.code === 'unknown-key' && /'upto'/.test(x.message)));
  });
});

describe('train.freeze in training', () => {
  let tf: TF;
  before(async () => {
    tf = await cpuTf();
  });
  const data = () => ({ train: quadrantSet(96, 8, 1), validation: quadrantSet(32, 8, 2), test: quadrantSet(32, 8, 3), classes: ['a', 'b', 'c', 'd'] });
  const values = (model: ReturnType<typeof buildModel>) => new Map([...model.params, ...model.buffers].map((v) => [v.name, Array.from(v.variable.dataSync())]));

  it('leaves frozen parameters and a frozen BatchNorm\'s running statistics untouched while the rest trains', async () => {
    const analysis = analyze(MODEL('[features]'));
    const model = buildModel(tf, analysis.graph, 5);
    model.freeze(frozenIndices(analysis.layers));
    assert.deepEqual(model.trainable.map((p) => p.name), ['layer4.weight', 'layer4.bias', 'layer8.weight', 'layer8.bias']);
    const before = values(model);
    const outcome = await trainModel(tf, model, data(), { config: analysis.train, dataWorkers: 0 });
    assert.equal(outcome.status, 'done');
    const after = values(model);
    for (const name of ['layer1.weight', 'layer1.bias', 'layer2.weight', 'layer2.bias', 'layer2.running_mean', 'layer2.running_var']) {
      assert.deepEqual(after.get(name), before.get(name), `${name} moved`);
    }
    for (const name of ['layer4.weight', 'layer8.weight']) assert.notDeepEqual(after.get(name), before.get(name), `${name} did not train`);
    model.dispose();
  });

  it('moves the same BatchNorm\'s statistics when it is not frozen (the control), and unfreezing restores every parameter', async () => {
    const analysis = analyze(MODEL(''));
    const model = buildModel(tf, analysis.graph, 5);
    model.freeze(new Set([1, 2]));
    model.freeze(new Set());
    assert.equal(model.trainable.length, model.params.length);
    const before = values(model);
    await trainModel(tf, model, data(), { config: analysis.train, dataWorkers: 0 });
    const after = values(model);
    for (const name of ['layer1.weight', 'layer2.weight', 'layer2.running_mean', 'layer2.running_var']) assert.notDeepEqual(after.get(name), before.get(name), `${name} did not move`);
    model.dispose();
  });
});

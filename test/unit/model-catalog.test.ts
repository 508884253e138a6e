/** LAYER_CATALOG against torch's own signatures, the config catalogs, and explainLayer's formulas. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSchedule } from '../../src/trainer/engine/schedules';
import { SHAPE_CLASSES } from '../../src/trainer/datasets/shapes';
import { analyzeModel, DATA_KEYS, DATASET_INFO, explainLayer, LAYER_CATALOG, LAYER_TYPES, SCHEDULE_DEFAULTS, TRAIN_KEYS, type PyValue } from '../../src/model';

const root = join(__dirname, '..', '..');
const reference = JSON.parse(readFileSync(join(root, 'test/fixtures/model/torch-reference.json'), 'utf8')) as {
  signatures: Record<string, Array<{ name: string; required: boolean; default: PyValue }>>;
};

describe('LAYER_CATALOG follows torch.nn and torchvision.ops', () => {
  for (const type of LAYER_TYPES) {
    it(`${type}: argument order, required arguments and defaults`, () => {
      const torch = reference.signatures[type];
      assert.ok(torch, 'the torch script records every catalog layer');
      const ours = LAYER_CATALOG[type].args;
      assert.deepEqual(ours.map((a) => a.name), torch.map((a) => a.name));
      for (const [i, a] of ours.entries()) {
        assert.equal(!!a.required, torch[i].required, `${a.name} required`);
        if (!a.required) assert.deepEqual(a.default ?? null, torch[i].default, `${a.name} default`);
        assert.ok(a.doc.length > 20, `${a.name} is documented`);
      }
      assert.ok(LAYER_CATALOG[type].doc.length > 40);
    });
  }
});

describe('data/train catalogs', () => {
  it('document every key, with values for enums', () => {
    for (const [key, doc] of Object.entries({ ...DATA_KEYS, ...TRAIN_KEYS })) {
      assert.ok(doc.doc.length > 10, key);
      if (doc.type === 'enum') assert.ok(doc.values && doc.values.length > 1, key);
    }
    assert.deepEqual(DATA_KEYS.dataset.values, ['shapes', 'mnist', 'fashion-mnist', 'cifar10', 'imagefolder', 'maskfolder', 'yolofolder', 'coco']);
    assert.deepEqual(TRAIN_KEYS.optimizer.values, ['sgd', 'adam', 'adamw', 'rmsprop']);
  });

  it("the shapes classes are the generator's, in label order", () => {
    assert.deepEqual(DATASET_INFO.shapes.classes, SHAPE_CLASSES);
  });

  it('nested keys are validated (augment, schedule, early_stopping)', () => {
    const a = analyzeModel([
      'input: [1, 28, 28]',
      'layers: [flatten, Linear(784, 10)]',
      'data: {dataset: mnist, augment: {horizontal_flip: yes, random_crop: {pad: 2}}}',
      'train: {schedule: {type: linear}, early_stopping: {min_delta: 0.1}}',
      '',
    ].join('\n'));
    assert.deepEqual(a.diagnostics.map((d) => `${d.range.start.line}:${d.code}`), ['2:bad-value', '2:missing-key', '2:unknown-key', '3:bad-value', '3:missing-key']);
  });

  it('schedule defaults live in TRAIN_KEYS (shown in hovers and docs) and are the ones the trainer applies', () => {
    const keys = TRAIN_KEYS.schedule.keys ?? {};
    for (const [key, value] of Object.entries(SCHEDULE_DEFAULTS)) assert.equal(keys[key].default, value, key);
    assert.equal(keys.step_size.default, undefined, 'step needs step_size written');
    // StepLR: lr · gamma^⌊epoch/step⌋; ReduceLROnPlateau: factor after `patience` bad epochs; cosine ends at min_lr.
    assert.equal(createSchedule(1, 10, { type: 'step', step_size: 2 }).lr(2), SCHEDULE_DEFAULTS.gamma);
    const plateau = createSchedule(1, 50, { type: 'plateau' });
    plateau.epochEnd(1);
    for (let i = 0; i < SCHEDULE_DEFAULTS.patience; i++) plateau.epochEnd(2);
    assert.equal(plateau.lr(0), 1, 'not reduced after exactly patience bad epochs');
    plateau.epochEnd(2);
    assert.equal(plateau.lr(0), SCHEDULE_DEFAULTS.factor);
    assert.equal(createSchedule(1, 10, { type: 'cosine' }).lr(10), SCHEDULE_DEFAULTS.min_lr);
  });

  it('a valid full configuration resolves to typed configs', () => {
    const a = analyzeModel(readFileSync(join(root, 'examples/fashion-bn-augment.cnn.yaml'), 'utf8'));
    assert.deepEqual(a.data.augment, { horizontal_flip: true, random_crop: { padding: 2 } });
    assert.deepEqual(a.train.schedule, { type: 'cosine', min_lr: 0.00001 });
    assert.equal(a.train.epochs, 20);
    assert.equal(a.train.batch_size, 64);
  });
});

function layerOf(input: string, layer: string) {
  const a = analyzeModel(`input: ${input}\nlayers:\n  - ${layer}\n`);
  assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
  return a.layers[0];
}

describe('explainLayer', () => {
  const cases: Array<[string, string, Partial<Record<'shape' | 'params' | 'macs' | 'summary', string>>]> = [
    ['[1, 28, 28]', 'Conv2d(1, 16, 3, padding=1)', {
      shape: 'H: ⌊(28 + 2·1 − 3)/1⌋ + 1 = 28', params: '16·(1·3² + 1) = 160', macs: '16·28·28·(1·3²) = 112,896', summary: 'Conv2d(1, 16, kernel_size=3, padding=1)',
    }],
    ['[3, 32, 32]', 'Conv2d(3, 8, 3, dilation=2, bias=False)', { shape: 'H: ⌊(32 + 2·0 − 2·(3−1) − 1)/1⌋ + 1 = 28', params: '8·3·3² = 216' }],
    ['[3, 7, 7]', 'MaxPool2d(2, ceil_mode=True)', { shape: 'H: ⌈(7 + 2·0 − 2)/2⌉ + 1 = 4', summary: 'MaxPool2d(kernel_size=2, stride=2, ceil_mode=True)' }],
    ['[16, 7, 7]', 'ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)', { shape: 'H: (7 − 1)·2 − 2·1 + 1·(3−1) + 1 + 1 = 14', params: '16·8·3² + 8 = 1,160' }],
    ['[1568]', 'Linear(1568, 128)', { params: '128·(1568 + 1) = 200,832' }],
    ['[16, 8, 8]', 'batchnorm2d', { params: '2·16 = 32 (γ and β per channel); buffers (not trained): 2·16 + 1 = 33 (running mean, variance, batch count)', summary: 'BatchNorm2d(16)' }],
    ['[8, 7, 7]', 'Upsample(scale_factor=2)', { shape: 'H: ⌊7 × 2⌋ = 14', summary: 'Upsample(scale_factor=2)' }],
    ['[3, 15, 15]', "Conv2d(3, 8, 4, padding='same')", { shape: "H: padding='same' keeps 15 (pads 1 before, 2 after) = 15" }],
  ];
  for (const [input, text, want] of cases) {
    it(text, () => {
      const e = explainLayer(layerOf(input, text));
      if (want.shape) assert.equal(e.shapeFormulas[0], want.shape);
      if (want.params) assert.equal(e.paramsFormula, want.params);
      if (want.macs) assert.equal(e.macsFormula, want.macs);
      if (want.summary) assert.equal(e.summary, want.summary);
    });
  }

  it('receptive field and jump grow through a conv/pool stack', () => {
    const a = analyzeModel(readFileSync(join(root, 'examples/fashion-mnist.cnn.yaml'), 'utf8'));
    // conv3 → 3; pool2 → 4 (jump 2); conv3 → 8; pool2 → 10 (jump 4)
    assert.deepEqual(a.layers.slice(0, 6).map((l) => [l.receptiveField, l.jump]), [[3, 1], [3, 1], [4, 2], [8, 2], [8, 2], [10, 4]]);
    assert.match(explainLayer(a.layers[5]).receptiveField, /10×10/);
  });

  it('receptive field: clamped to the input, so adaptive pooling, Flatten and Linear all report the whole input', () => {
    // Five 3×3 convolutions (padding 1) give a theoretical field of 11; a global pool's would be 11 + 31 = 42 > 32.
    const a = analyzeModel(readFileSync(join(root, 'test/fixtures/language/blocks.cnn.yaml'), 'utf8'));
    assert.deepEqual(a.diagnostics, []);
    const fields = a.layers.map((l) => [l.type, l.receptiveField]);
    assert.deepEqual(fields.slice(-4), [['BatchNorm2d', 11], ['AdaptiveAvgPool2d', 32], ['Flatten', 32], ['Linear', 32]]);
    for (let i = 1; i < a.layers.length; i++) assert.ok(a.layers[i].receptiveField >= a.layers[i - 1].receptiveField, 'never shrinks');
    assert.ok(a.layers.every((l) => l.receptiveField <= 32), 'never larger than the input');
    // A padded stack that outgrows a small input reports the input's extent (per dimension, the larger one).
    const wide = analyzeModel('input: [1, 6, 10]\nlayers:\n' + '  - Conv2d(1, 1, 3, padding=1)\n'.repeat(4));
    assert.deepEqual(wide.layers.map((l) => l.receptiveField), [3, 5, 7, 9]);
    const tall = analyzeModel('input: [1, 6, 6]\nlayers:\n' + '  - Conv2d(1, 1, 3, padding=1)\n'.repeat(4) + '  - Flatten()\n  - Linear(36, 2)\n');
    assert.deepEqual(tall.layers.map((l) => l.receptiveField), [3, 5, 6, 6, 6, 6]);
  });

  it('totals: MACs, activation and parameter memory', () => {
    const a = analyzeModel(readFileSync(join(root, 'examples/fashion-mnist.cnn.yaml'), 'utf8'));
    assert.equal(a.totals.macs, a.layers.reduce((s, l) => s + l.macs, 0));
    assert.equal(a.totals.macs, 112_896 + 903_168 + 200_704 + 1_280);
    assert.equal(a.totals.paramBytes, 4 * 206_922);
    assert.equal(a.totals.activationBytes, 4 * a.layers.reduce((s, l) => s + l.outputShape.reduce((x, y) => x * y, 1), 0));
  });
});

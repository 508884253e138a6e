/**
 * `train.best`: which validation figure picks the best epoch and drives early stopping. The model file's checks
 * (a figure the task does not report, a typo, no validation set), the "lower is better" value the loop and the
 * panel compare (hand-computed), the panel's replay of early stopping, and the loop on the reference cpu backend:
 * best/ follows the highest validation accuracy when asked, whatever the loss does.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import { monitoredLabel, monitoredValue } from '../../src/protocol/monitoredMetric';
import type { EpochMetrics } from '../../src/protocol/runTypes';
import { buildModel } from '../../src/trainer/engine/model';
import type { TF } from '../../src/trainer/engine/tf';
import { trainModel } from '../../src/trainer/engine/train';
import { earlyStoppingFromConfig } from '../../src/webviews/training/runView';
import { earlyStoppingState } from '../../media/training/epochTable';
import { analyze, cpuTf, QUADRANT_MODEL, quadrantSet } from './engine-fixtures';

const CLASSIFIER = (train: string, data = '{ dataset: shapes }') => `input: [1, 16, 16]
layers:
  - Flatten()
  - Linear(256, 5)
data: ${data}
train: ${train}
`;
const SEGMENTER = (train: string) => `task: segmentation
input: [1, 16, 16]
layers:
  - Conv2d(1, 6, 3, padding=1)
data: { dataset: shapes }
train: ${train}
`;
const AUTOENCODER = (train: string) => `task: reconstruction
input: [1, 16, 16]
layers:
  - Conv2d(1, 1, 3, padding=1)
  - Sigmoid()
data: { dataset: shapes }
train: ${train}
`;
const problems = (text: string) => analyzeModel(text).diagnostics.filter((d) => d.severity !== 'info');

describe('train.best in the model file', () => {
  it('accepts the figures each task reports and defaults to val_loss', () => {
    assert.equal(analyzeModel(CLASSIFIER('{ epochs: 1 }')).train.best, undefined);
    for (const best of ['val_loss', 'val_accuracy']) assert.deepEqual(problems(CLASSIFIER(`{ best: ${best} }`)), [], best);
    for (const best of ['val_loss', 'val_accuracy', 'val_miou']) assert.deepEqual(problems(SEGMENTER(`{ best: ${best} }`)), [], best);
    for (const best of ['val_loss', 'val_mse']) assert.deepEqual(problems(AUTOENCODER(`{ loss: mse, best: ${best} }`)), [], best);
    assert.equal(analyzeModel(SEGMENTER('{ best: val_miou }')).train.best, 'val_miou');
  });

  it('a figure the task does not report is an error on the value, with fixes to the task’s own', () => {
    const text = CLASSIFIER('{ epochs: 1, best: val_miou }');
    const [d] = problems(text);
    assert.equal(d.code, 'best-not-for-task');
    assert.equal(d.severity, 'error');
    assert.equal(d.message, 'train.best: task classification does not report val_miou: use val_loss, val_accuracy');
    const line = text.split('\n')[d.range.start.line];
    assert.equal(line.slice(d.range.start.character, d.range.end.character), 'val_miou');
    assert.deepEqual(d.fixes?.map((f) => f.newText), ['val_loss', 'val_accuracy']);
    assert.deepEqual(problems(AUTOENCODER('{ loss: mse, best: val_accuracy }')).map((x) => x.code), ['best-not-for-task']);
    assert.deepEqual(problems(SEGMENTER('{ best: val_mse }')).map((x) => x.code), ['best-not-for-task']);
  });

  it('an unknown name is refused with the known ones', () => {
    const [d] = problems(CLASSIFIER('{ best: val_acc }'));
    assert.equal(d.severity, 'error');
    assert.match(d.message, /val_accuracy/);
  });

  it('without a validation set, a best figure other than val_loss is a warning that offers a split', () => {
    const text = CLASSIFIER('{ best: val_accuracy }', '{ dataset: shapes, validation_split: 0 }');
    const [d] = problems(text);
    assert.equal(d.code, 'no-validation');
    assert.match(d.message, /best val_accuracy.*lowest training loss/);
    assert.equal(d.fixes?.[0].newText, '0.1');
    assert.deepEqual(problems(CLASSIFIER('{ best: val_loss }', '{ dataset: shapes, validation_split: 0 }')), []);
  });
});

function epoch(n: number, fields: Partial<EpochMetrics>): EpochMetrics {
  return { kind: 'epoch', epoch: n, loss: 1, accuracy: 0.5, valLoss: 0.8, valAccuracy: 0.6, lr: 0.01, seconds: 1, samplesPerSecond: 10, best: false, time: '', ...fields };
}

describe('the monitored value (lower is better)', () => {
  it('is the named figure, negated when higher is better, or the training loss without validation', () => {
    const e = epoch(1, { loss: 0.9, valLoss: 0.7, valAccuracy: 0.75, valMse: 0.02, valMeanIou: 0.4 });
    assert.equal(monitoredValue(e), 0.7);
    assert.equal(monitoredValue(e, 'val_loss'), 0.7);
    assert.equal(monitoredValue(e, 'val_accuracy'), -0.75);
    assert.equal(monitoredValue(e, 'val_mse'), 0.02);
    assert.equal(monitoredValue(e, 'val_miou'), -0.4);
    assert.equal(monitoredValue(epoch(1, { loss: 0.9, valLoss: null, valAccuracy: null }), 'val_accuracy'), 0.9);
    // A figure the pass did not produce never improves on anything.
    assert.equal(monitoredValue(epoch(1, { valMeanIou: Number.NaN }), 'val_miou'), Infinity);
    assert.equal(monitoredValue(epoch(1, {}), 'val_mse'), Infinity);
    assert.equal(monitoredLabel(true, 'val_miou'), 'validation mIoU');
    assert.equal(monitoredLabel(false, 'val_miou'), 'training loss');
  });
});

describe('the Training panel replays early stopping on train.best', () => {
  it('reads the figure from config.json and counts epochs without a rise of the mIoU', () => {
    const es = earlyStoppingFromConfig({ train: { early_stopping: { patience: 2, min_delta: 0.01 }, best: 'val_miou' } });
    assert.deepEqual(es, { patience: 2, minDelta: 0.01, metric: 'val_miou' });
    assert.deepEqual(earlyStoppingFromConfig({ train: { early_stopping: { patience: 2 }, best: 'bogus' } }), { patience: 2, minDelta: 0 });
    // The loss keeps falling (val_loss would never wait); the mIoU rose by ≤ min_delta twice: stopped.
    const epochs = [epoch(1, { valLoss: 0.5, valMeanIou: 0.5 }), epoch(2, { valLoss: 0.4, valMeanIou: 0.6 }), epoch(3, { valLoss: 0.3, valMeanIou: 0.605 }), epoch(4, { valLoss: 0.2, valMeanIou: 0.61 })];
    const state = earlyStoppingState(epochs, null, es);
    assert.equal(state.kind, 'stopped');
    assert.match(state.text, /validation mIoU did not improve for 2 epochs/);
    assert.equal(earlyStoppingState(epochs, null, { patience: 2, minDelta: 0.01 }).kind, 'waiting');
  });
});

describe('the training loop with train.best', () => {
  let tf: TF;
  before(async () => {
    tf = await cpuTf();
  });

  /** Trains the quadrant model (real labels: validation accuracy is 1 from epoch 1 on while the loss keeps falling). */
  async function train(best: string) {
    const analysis = analyze(QUADRANT_MODEL.replace(/^train: .*$/m, `train: { epochs: 4, batch_size: 16, optimizer: adam, lr: 0.03, seed: 7, best: ${best}, early_stopping: { patience: 3 } }`));
    const model = buildModel(tf, analysis.graph, 7);
    const data = { train: quadrantSet(192, 8, 1), validation: quadrantSet(64, 8, 2), test: quadrantSet(64, 8, 3), classes: ['a', 'b', 'c', 'd'] };
    const epochs: EpochMetrics[] = [];
    let bestWeights: number[][] = [];
    const outcome = await trainModel(tf, model, data, { config: analysis.train }, {
      onEpoch: (m) => {
        epochs.push(m);
        if (m.best) bestWeights = model.params.map((p) => Array.from(p.variable.dataSync()));
      },
    });
    const restored = model.params.map((p) => Array.from(p.variable.dataSync()));
    model.dispose();
    return { outcome, epochs, bestWeights, restored };
  }

  it('picks, checkpoints and restores the epoch of the highest validation accuracy when asked, not the lowest loss', async () => {
    const byLoss = await train('val_loss');
    const byAccuracy = await train('val_accuracy');
    // Same seed, same steps: the two runs see the same figures and differ only in what they call best.
    assert.deepEqual(byAccuracy.epochs.map((e) => e.valLoss), byLoss.epochs.map((e) => e.valLoss));
    let top = -Infinity;
    for (const e of byAccuracy.epochs) {
      const accuracy = e.valAccuracy as number;
      assert.equal(e.best, accuracy > top, `epoch ${e.epoch}: accuracy ${accuracy}, best so far ${top}`);
      top = Math.max(top, accuracy);
    }
    const winner = byAccuracy.epochs.find((e) => e.valAccuracy === top) as EpochMetrics;
    assert.equal(byAccuracy.outcome.bestEpoch, winner.epoch);
    assert.equal(byAccuracy.outcome.bestValLoss, winner.valLoss, 'the summary keeps the best epoch’s validation loss');
    assert.deepEqual(byAccuracy.restored, byAccuracy.bestWeights);
    const lowest = Math.min(...byLoss.epochs.map((e) => e.valLoss as number));
    assert.equal(byLoss.outcome.bestEpoch, byLoss.epochs.find((e) => e.valLoss === lowest)?.epoch);
    assert.notEqual(byAccuracy.outcome.bestEpoch, byLoss.outcome.bestEpoch, `${JSON.stringify(byLoss.epochs.map((e) => [e.valLoss, e.valAccuracy]))}`);
    // Accuracy stays at its first maximum: patience 3 runs out after epoch 4, on the accuracy, not the falling loss.
    assert.match(byAccuracy.outcome.reason ?? '', /^early stopping: validation accuracy did not improve by more than 0 for 3 epoch\(s\)$/);
    assert.equal(byLoss.outcome.reason, null);
  });
});

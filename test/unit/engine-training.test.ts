/**
 * The engine on the reference cpu backend: the built model matches the core (parameter counts, PyTorch's
 * flatten order), the loop learns, frees its tensors, detects NaN, restores the best weights, stops early and
 * honours a stop request within one batch of every pass, also when it arrives as a message (a macrotask).
 */
import { transformStep } from '../../src/model/transforms/legacy';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildModel } from '../../src/trainer/engine/model';
import type { TF } from '../../src/trainer/engine/tf';
import { trainModel, type TrainData } from '../../src/trainer/engine/train';
import { analyze, cpuTf, QUADRANT_MODEL, quadrantSet } from './engine-fixtures';

let tf: TF;
before(async () => {
  tf = await cpuTf();
});

function quadrantData(randomLabels = false): TrainData {
  return {
    train: quadrantSet(192, 8, 1, randomLabels),
    validation: quadrantSet(64, 8, 2, randomLabels),
    test: quadrantSet(64, 8, 3, randomLabels),
    classes: ['a', 'b', 'c', 'd'],
  };
}

function modelWith(train: string): ReturnType<typeof analyze> {
  return analyze(QUADRANT_MODEL.replace(/^train: .*$/m, `train: ${train}`));
}

describe('model builder', () => {
  it('has exactly the parameters and buffers the core counts', () => {
    const analysis = analyze(`
input: [4, 12, 12]
layers:
  - Conv2d(4, 8, 3, padding=1, groups=2)
  - BatchNorm2d(8)
  - ReLU()
  - Conv2d(8, 8, 3, padding=2, dilation=2, groups=8, padding_mode='reflect')
  - ConvTranspose2d(8, 6, 2, stride=2)
  - MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
  - AdaptiveAvgPool2d(3)
  - Flatten()
  - Linear(54, 20)
  - BatchNorm1d(20)
  - Dropout(0.3)
  - Linear(20, 5, bias=False)
`);
    const model = buildModel(tf, analysis.graph, 1);
    assert.equal(model.paramCount(), analysis.totals.params);
    assert.equal(model.buffers.reduce((n, b) => n + b.variable.size, 0), analysis.totals.buffers);
    const y = tf.tidy(() => model.apply(tf.randomNormal([2, 12, 12, 4], 0, 1, 'float32', 3), true));
    assert.deepEqual(y.shape, [2, ...analysis.outputShape]);
    y.dispose();
    model.dispose();
  });

  it('flattens in PyTorch order (C, H, W) from NHWC tensors', () => {
    const analysis = analyze('input: [2, 2, 3]\nlayers:\n  - Flatten()\n');
    const model = buildModel(tf, analysis.graph, 1);
    const nchw = Array.from({ length: 12 }, (_, i) => i);
    // The same image in NHWC: element (c, h, w) moves to (h, w, c).
    const nhwc = tf.tidy(() => tf.transpose(tf.tensor4d(nchw, [1, 2, 2, 3]), [0, 2, 3, 1]));
    const flat = tf.tidy(() => model.apply(nhwc, false));
    assert.deepEqual(Array.from(flat.dataSync()), nchw);
    tf.dispose([nhwc, flat]);
  });

  it('initialises Conv and Linear within PyTorch bounds U(±1/√fan_in)', () => {
    const model = buildModel(tf, modelWith('{ seed: 3 }').graph, 3);
    const [convW, convB, linW] = model.params.map((p) => Array.from(p.variable.dataSync()));
    const bound = (fanIn: number, xs: number[]) => xs.every((v) => Math.abs(v) <= 1 / Math.sqrt(fanIn)) && Math.max(...xs.map(Math.abs)) > 0.5 / Math.sqrt(fanIn);
    assert.ok(bound(9, convW) && bound(9, convB) && bound(64, linW));
    model.dispose();
  });
});

describe('training loop', () => {
  it('learns quadrants and keeps the tensor count flat across epochs', async () => {
    const analysis = modelWith('{ epochs: 3, batch_size: 16, optimizer: adam, lr: 0.01, seed: 7 }');
    const model = buildModel(tf, analysis.graph, 7);
    const counts: number[] = [];
    const outcome = await trainModel(tf, model, quadrantData(), { config: analysis.train }, { onEpoch: () => void counts.push(tf.memory().numTensors) });
    assert.equal(outcome.status, 'done');
    assert.equal(counts.length, 3);
    assert.equal(counts[2], counts[1], `tensors per epoch: ${counts}`);
    assert.ok(outcome.test && (outcome.test.accuracy ?? 0) > 0.6, `test accuracy ${outcome.test?.accuracy}`);
    assert.equal(outcome.test?.confusion.flat().reduce((a, b) => a + b, 0), 64);
    model.dispose();
  });

  it('is reproducible from its seed (initialisation, shuffling, augmentation, dropout), with or without batch workers', async () => {
    const withDropout = QUADRANT_MODEL.replace('  - Linear(64, 4)', '  - Dropout(0.3)\n  - Linear(64, 4)');
    const analysis = analyze(withDropout.replace(/^train: .*$/m, 'train: { epochs: 1, batch_size: 16, lr: 0.01, seed: 11 }'));
    const weights = async (dataWorkers: number): Promise<number[]> => {
      const model = buildModel(tf, analysis.graph, 11);
      const train = [transformStep('RandomHorizontalFlip', {}, undefined), transformStep('RandomRotation', { degrees: 10 }, undefined)];
      await trainModel(tf, model, quadrantData(), { config: analysis.train, transforms: { train, test: [] }, dataWorkers });
      const values = model.params.flatMap((p) => Array.from(p.variable.dataSync()));
      model.dispose();
      return values;
    };
    const inThread = await weights(0);
    assert.deepEqual(await weights(0), inThread);
    assert.deepEqual(await weights(2), inThread, 'batches prepared by two workers ahead of the steps train the same weights');
  });

  it('runs the validation and test passes on the batch workers to their end (the workers stop after the test pass)', async () => {
    const analysis = modelWith('{ epochs: 2, batch_size: 16, lr: 0.01, seed: 3, early_stopping: {patience: 1} }');
    // Input noise makes every pass work per image, so the test pass runs on the workers too.
    const outcome = async (dataWorkers: number) => {
      const model = buildModel(tf, analysis.graph, 3);
      const result = await trainModel(tf, model, quadrantData(), { config: analysis.train, noise: { gaussian: 0.2 }, dataWorkers });
      model.dispose();
      return result;
    };
    const inThread = await outcome(0);
    const workers = await outcome(1);
    assert.equal(workers.status, 'done');
    assert.equal(workers.test?.confusion.flat().reduce((a, b) => a + b, 0), 64, 'every test image was evaluated');
    assert.deepEqual(workers.test, inThread.test);
  });

  it('stops on a NaN/inf loss and says why', async () => {
    // The core refuses lr > 10 in a model file; the engine must still cope with any config it is given.
    const analysis = modelWith('{ epochs: 2, batch_size: 16, optimizer: sgd, seed: 7 }');
    const model = buildModel(tf, analysis.graph, 7);
    const outcome = await trainModel(tf, model, quadrantData(), { config: { ...analysis.train, lr: 1e30 } });
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.reason ?? '', /^loss became (NaN|infinite) at epoch 1 batch \d+: learning rate too high\?/);
    assert.equal(outcome.test, null);
    model.dispose();
  });

  it('restores the weights of the best validation epoch before testing', async () => {
    // Random labels: the model memorises the training set and validation loss gets worse after the start.
    const analysis = modelWith('{ epochs: 4, batch_size: 16, optimizer: adam, lr: 0.03, seed: 7 }');
    const model = buildModel(tf, analysis.graph, 7);
    let bestWeights: number[][] = [];
    const outcome = await trainModel(tf, model, quadrantData(true), { config: analysis.train }, {
      onEpoch: (m) => {
        if (m.best) bestWeights = model.params.map((p) => Array.from(p.variable.dataSync()));
      },
    });
    assert.ok(outcome.bestEpoch !== null && outcome.bestEpoch < outcome.epochsCompleted, `best epoch ${outcome.bestEpoch}`);
    assert.deepEqual(model.params.map((p) => Array.from(p.variable.dataSync())), bestWeights);
    model.dispose();
  });

  it('stops early after `patience` epochs without improvement', async () => {
    const analysis = modelWith('{ epochs: 10, batch_size: 16, optimizer: adam, lr: 0.03, seed: 7, early_stopping: { patience: 1 } }');
    const model = buildModel(tf, analysis.graph, 7);
    const outcome = await trainModel(tf, model, quadrantData(true), { config: analysis.train });
    assert.equal(outcome.status, 'done');
    assert.ok(outcome.epochsCompleted < 10);
    assert.match(outcome.reason ?? '', /early stopping/);
    assert.ok(outcome.test);
    model.dispose();
  });

  it('without a validation set, monitors the training loss and reports no validation loss', async () => {
    const analysis = modelWith('{ epochs: 10, batch_size: 16, optimizer: adam, lr: 0.03, seed: 7, early_stopping: { patience: 1 } }');
    const model = buildModel(tf, analysis.graph, 7);
    const data = { ...quadrantData(true), validation: { ...quadrantSet(0, 8, 2), count: 0 } };
    const epochs: Array<number | null> = [];
    const outcome = await trainModel(tf, model, data, { config: analysis.train }, { onEpoch: (m) => void epochs.push(m.valLoss) });
    assert.equal(outcome.bestValLoss, null);
    assert.ok(outcome.bestEpoch !== null);
    assert.ok(epochs.every((v) => v === null));
    assert.match(outcome.reason ?? '', /early stopping: training loss \(no validation set\)/);
    model.dispose();
  });

  it('stops within one batch when asked', async () => {
    const analysis = modelWith('{ epochs: 3, batch_size: 16, seed: 7 }');
    const model = buildModel(tf, analysis.graph, 7);
    let batchesSeen = 0;
    const outcome = await trainModel(tf, model, quadrantData(), { config: analysis.train, progressIntervalMs: 0 }, {
      onBatch: () => void (batchesSeen += 1),
      shouldStop: () => batchesSeen >= 3,
    });
    assert.equal(outcome.status, 'stopped');
    assert.equal(batchesSeen, 3);
    assert.equal(outcome.samplesSeen, 0);
    assert.match(outcome.reason ?? '', /stopped at epoch 1 batch 4/);
    model.dispose();
  });

  for (const phase of ['validation', 'test'] as const) {
    it(`stops within one batch of the ${phase} pass when the request arrives as a message`, async () => {
      const analysis = modelWith('{ epochs: 2, batch_size: 16, seed: 7 }');
      const model = buildModel(tf, analysis.graph, 7);
      const data = { ...quadrantData(), validation: quadrantSet(320, 8, 2), test: quadrantSet(320, 8, 3) };
      let stop = false;
      let batchesAfterRequest = -1;
      const outcome = await trainModel(tf, model, data, { config: analysis.train }, {
        // Like a worker's stop message or a signal: the flag flips in a later macrotask, not synchronously.
        onPhase: (p) => {
          if (p === phase) setImmediate(() => { stop = true; batchesAfterRequest = 0; });
        },
        beforeBatch: () => {
          if (batchesAfterRequest >= 0) batchesAfterRequest += 1;
        },
        shouldStop: () => stop,
      });
      assert.equal(outcome.status, 'stopped');
      assert.equal(outcome.stoppedIn, phase);
      assert.equal(outcome.test, null);
      assert.equal(outcome.epochsCompleted, phase === 'validation' ? 0 : 2);
      assert.match(outcome.reason ?? '', phase === 'validation' ? /during validation/ : /during the test pass/);
      // 20 batches per pass: the request is honoured before the next batch starts.
      assert.equal(batchesAfterRequest, 0);
      model.dispose();
    });
  }
});

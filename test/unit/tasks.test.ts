/**
 * The task interface: the core reads `task:`, applies the task's default loss, refuses losses the task does not
 * accept; the trainer's task of each name builds targets, losses, scores and metrics that the loop and evaluate()
 * use without knowing the task.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeModel, TASK_NAMES, TASKS } from '../../src/model';
import { createTask } from '../../src/trainer/tasks/registry';
import type { TF } from '../../src/trainer/engine/tf';
import { cpuTf } from './engine-fixtures';

let tf: TF;
before(async () => {
  tf = await cpuTf();
});

const MODEL = (head: string, train = '{ epochs: 1 }') => `${head}
input: [1, 8, 8]
classes: 3
layers:
  - Flatten()
  - Linear(64, 3)
train: ${train}
`;

const codes = (text: string) => analyzeModel(text).diagnostics.map((d) => `${d.severity} ${d.code}`);

describe('task in the model file (core)', () => {
  it('defaults to classification and its default loss', () => {
    const a = analyzeModel(MODEL(''));
    assert.equal(a.task, 'classification');
    assert.equal(a.train.loss, TASKS.classification.defaultLoss);
    assert.deepEqual(codes(MODEL('')), []);
  });

  it('reads task: classification', () => {
    assert.equal(analyzeModel(MODEL('task: classification')).task, 'classification');
  });

  it('an unknown task is an error with a did-you-mean fix on the value', () => {
    const text = MODEL('task: clasification');
    const d = analyzeModel(text).diagnostics.find((x) => x.code === 'unknown-task');
    assert.ok(d && d.severity === 'error');
    assert.match(d.message, /classification/);
    assert.equal(d.fixes?.[0].newText, 'classification');
    assert.equal(text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character), 'clasification');
  });

  it('every task lists its default loss first among the losses it accepts', () => {
    for (const name of TASK_NAMES) assert.equal(TASKS[name].losses[0], TASKS[name].defaultLoss, name);
  });
});

describe('engine tasks', () => {
  it('classification: int labels as target, cross-entropy, correct count, accuracy and confusion', () => {
    const task = createTask('classification', { loss: 'cross_entropy', classes: ['a', 'b', 'c'] });
    const set = { images: new Uint8Array(2 * 4), labels: new Uint8Array([2, 0]), count: 2, height: 2, width: 2, channels: 1 };
    const batch = { x: new Float32Array(8), y: new Int32Array([2, 0]), size: 2, height: 2, width: 2, channels: 1 };
    const outputs = [1.0, -0.5, 2.0, 0.2, 0.3, -1.0];
    const [loss, score] = tf.tidy(() => {
      const { input, target } = task.tensors(tf, batch, set);
      assert.deepEqual(input.shape, [2, 2, 2, 1]);
      assert.deepEqual(target.shape, [2]);
      const out = tf.tensor2d(outputs, [2, 3]);
      return [task.loss(tf, out, target).dataSync()[0], task.batchScore(tf, out, target).dataSync()[0]];
    });
    // torch: F.cross_entropy([[1, -.5, 2], [.2, .3, -1]], [2, 0])
    assert.ok(Math.abs(loss - 0.6248281979953814) < 1e-6);
    assert.equal(score, 1);
    assert.equal(task.epochScore(3, 4), 0.75);
    const evaluation = task.evaluation(set);
    evaluation.add(batch, 0, new Float32Array(outputs), loss);
    const m = evaluation.result();
    assert.equal(m.accuracy, 0.5);
    assert.deepEqual(m.confusion, [[0, 1, 0], [0, 0, 0], [0, 0, 1]]);
    assert.deepEqual(m.perClassAccuracy, [0, null, 1]);
  });

  it('classification refuses a dataset whose classes the output does not match', () => {
    const task = createTask('classification', { loss: 'cross_entropy', classes: ['a', 'b'] });
    const analysis = analyzeModel(MODEL(''));
    const set = { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0, height: 8, width: 8, channels: 1 };
    const dataset = { name: 'toy', classes: ['a', 'b'], train: set, validation: set, test: set, source: 'test', transforms: { train: [], test: [] } };
    assert.throws(() => task.checkData(analysis, dataset), /outputs \[3\].*toy has 2 classes/);
  });
});

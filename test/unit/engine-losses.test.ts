/**
 * Losses and accuracy against PyTorch 1.13 on a hand-sized batch. The expected values were printed by torch:
 *   out = [[1.0, -0.5, 2.0], [0.2, 0.3, -1.0]], y = [2, 0]
 *   F.cross_entropy(out, y); F.nll_loss(F.log_softmax(out, 1), y); F.mse_loss(out, one_hot(y));
 *   F.binary_cross_entropy(sigmoid(out), one_hot(y)); F.l1_loss(out, one_hot(y));
 *   F.binary_cross_entropy_with_logits(out, one_hot(y))
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LossName } from '../../src/model/types';
import { computeLoss, countCorrect } from '../../src/trainer/engine/losses';
import type { TF } from '../../src/trainer/engine/tf';
import { cpuTf } from './engine-fixtures';

const OUT = [
  [1.0, -0.5, 2.0],
  [0.2, 0.3, -1.0],
];
const LABELS = [2, 0];
/** The classification losses (dice and cross_entropy_dice are segmentation's: tasks-segmentation.test.ts). */
const TORCH: Partial<Record<LossName, number>> = {
  cross_entropy: 0.6248281979953814,
  nll: 0.6248281979953814,
  mse: 0.6633333333333333,
  bce: 0.6133370806849406,
  l1: 0.7666666666666666,
  bce_with_logits: 0.6133370806849405,
};

let tf: TF;
before(async () => {
  tf = await cpuTf();
});

/** What each loss is applied to: logits, log-probabilities (after LogSoftmax) or probabilities (after Sigmoid). */
function modelOutput(loss: LossName) {
  const logits = tf.tensor2d(OUT);
  if (loss === 'nll') return tf.logSoftmax(logits);
  if (loss === 'bce') return tf.sigmoid(logits);
  return logits;
}

describe('losses match torch.nn.functional', () => {
  for (const loss of Object.keys(TORCH) as LossName[]) {
    it(loss, () => {
      const value = tf.tidy(() => computeLoss(tf, loss, modelOutput(loss), tf.tensor1d(LABELS, 'int32')).dataSync()[0]);
      const expected = TORCH[loss] as number;
      assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
    });
  }

  it('counts arg-max hits', () => {
    const hits = tf.tidy(() => countCorrect(tf, tf.tensor2d(OUT), tf.tensor1d([2, 2], 'int32')).dataSync()[0]);
    assert.equal(hits, 1);
  });
});

/**
 * Each optimizer's first two steps against torch.optim's update formulas (1.13), written out by hand for a
 * two-element parameter and fixed gradients.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { OptimizerName } from '../../src/model/types';
import { createOptimizer, type OptimizerConfig } from '../../src/trainer/engine/optimizers';
import { createSchedule } from '../../src/trainer/engine/schedules';
import type { TF } from '../../src/trainer/engine/tf';
import { cpuTf } from './engine-fixtures';

const P0 = [1, -2];
const G1 = [0.5, 0.25];
const G2 = [-0.3, 0.4];

let tf: TF;
before(async () => {
  tf = await cpuTf();
});

function run(config: Partial<OptimizerConfig> & { optimizer: OptimizerName }, lr: number): number[][] {
  const variable = tf.variable(tf.tensor1d(P0), true, `p_${Math.random()}`);
  const opt = createOptimizer(tf, { momentum: 0, nesterov: false, weight_decay: 0, ...config }, [{ name: 'p', variable }]);
  const steps: number[][] = [];
  for (const g of [G1, G2]) {
    const grad = tf.tensor1d(g);
    opt.step({ [variable.name]: grad }, lr);
    grad.dispose();
    steps.push(Array.from(variable.dataSync()));
  }
  opt.dispose();
  variable.dispose();
  return steps;
}

function close(actual: number[][], expected: number[][]): void {
  actual.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) < 1e-5, `step ${i + 1}[${j}]: ${v} vs ${expected[i][j]}`)));
}

/** Applies torch's per-element update `fn(p, g, state, t)` for both steps. */
function reference(fn: (p: number, g: number, s: { a: number; b: number }, t: number) => number): number[][] {
  const state = P0.map(() => ({ a: 0, b: 0 }));
  let p = [...P0];
  return [G1, G2].map((grads, i) => {
    p = p.map((pj, j) => fn(pj, grads[j], state[j], i + 1));
    return p;
  });
}

describe('optimizers follow torch.optim', () => {
  it('SGD with momentum, nesterov and weight decay', () => {
    const [lr, mom, wd] = [0.1, 0.9, 0.01];
    const expected = reference((p, g, s, t) => {
      const d = g + wd * p;
      s.a = t === 1 ? d : mom * s.a + d;
      return p - lr * (d + mom * s.a);
    });
    close(run({ optimizer: 'sgd', momentum: mom, nesterov: true, weight_decay: wd }, lr), expected);
  });

  it('SGD with plain momentum (first step uses the gradient as the buffer)', () => {
    const expected = reference((p, g, s, t) => {
      s.a = t === 1 ? g : 0.5 * s.a + g;
      return p - 0.2 * s.a;
    });
    close(run({ optimizer: 'sgd', momentum: 0.5 }, 0.2), expected);
  });

  it('Adam with bias correction and eps 1e-8 outside the square root', () => {
    const lr = 0.01;
    const expected = reference((p, g0, s, t) => {
      const g = g0 + 0.1 * p;
      s.a = 0.9 * s.a + 0.1 * g;
      s.b = 0.999 * s.b + 0.001 * g * g;
      const denom = Math.sqrt(s.b) / Math.sqrt(1 - 0.999 ** t) + 1e-8;
      return p - (lr / (1 - 0.9 ** t)) * (s.a / denom);
    });
    close(run({ optimizer: 'adam', weight_decay: 0.1 }, lr), expected);
  });

  it('AdamW decays the weights directly, not through the gradient', () => {
    const [lr, wd] = [0.01, 0.5];
    const expected = reference((p0, g, s, t) => {
      const p = p0 * (1 - lr * wd);
      s.a = 0.9 * s.a + 0.1 * g;
      s.b = 0.999 * s.b + 0.001 * g * g;
      const denom = Math.sqrt(s.b) / Math.sqrt(1 - 0.999 ** t) + 1e-8;
      return p - (lr / (1 - 0.9 ** t)) * (s.a / denom);
    });
    close(run({ optimizer: 'adamw', weight_decay: wd }, lr), expected);
  });

  it('RMSprop with momentum (alpha 0.99, eps 1e-8)', () => {
    const expected = reference((p, g, s) => {
      s.b = 0.99 * s.b + 0.01 * g * g;
      s.a = 0.9 * s.a + g / (Math.sqrt(s.b) + 1e-8);
      return p - 0.001 * s.a;
    });
    close(run({ optimizer: 'rmsprop', momentum: 0.9 }, 0.001), expected);
  });

  it('allocates no lasting tensors per step', () => {
    const variable = tf.variable(tf.tensor1d(P0), true, `p_${Math.random()}`);
    const opt = createOptimizer(tf, { optimizer: 'adam', momentum: 0, nesterov: false, weight_decay: 0.1 }, [{ name: 'p', variable }]);
    const grad = tf.tensor1d(G1);
    opt.step({ [variable.name]: grad }, 0.1);
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) opt.step({ [variable.name]: grad }, 0.1);
    assert.equal(tf.memory().numTensors, after1);
    tf.dispose([grad, variable]);
    opt.dispose();
  });
});

describe('learning-rate schedules follow torch.optim.lr_scheduler', () => {
  it('StepLR multiplies by gamma every step_size epochs', () => {
    const s = createSchedule(0.1, 10, { type: 'step', step_size: 3, gamma: 0.5 });
    assert.deepEqual([0, 2, 3, 5, 6, 9].map((e) => s.lr(e)), [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]);
  });

  it('CosineAnnealingLR goes from lr to min_lr over the epochs', () => {
    const s = createSchedule(0.1, 4, { type: 'cosine', min_lr: 0.01 });
    const expected = [0, 1, 2, 3].map((e) => 0.01 + (0.09 * (1 + Math.cos((Math.PI * e) / 4))) / 2);
    [0, 1, 2, 3].forEach((e) => assert.ok(Math.abs(s.lr(e) - expected[e]) < 1e-12));
  });

  it('ReduceLROnPlateau cuts the rate after `patience` epochs without improvement', () => {
    const s = createSchedule(0.1, 10, { type: 'plateau', patience: 1, factor: 0.5 });
    const rates = [1.0, 0.9, 0.95, 0.92, 0.91, 0.5].map((loss) => {
      s.epochEnd(loss);
      return s.lr(0);
    });
    // 0.95 is the 1st bad epoch, 0.92 the 2nd (> patience) → halve; 0.91 bad again, then 0.5 improves.
    assert.deepEqual(rates, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05]);
  });
});

/**
 * PyTorch's default initialisation, so that training behaves as the course describes: Conv and Linear weights
 * use kaiming_uniform_(a=√5), i.e. U(−1/√fan_in, 1/√fan_in), and their biases the same bound.
 */
import type { NamedVariable } from './layers/types';
import type { SeedStream } from './seeds';
import type { TF } from './tf';

/** torch's bound for kaiming_uniform_(a=√5): gain √(2/(1+5)) × √(3/fan_in) = 1/√fan_in. */
export function defaultInitBound(fanIn: number): number {
  return fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
}

/** A trainable variable drawn from U(−bound, bound). */
export function uniformVariable(
  tf: TF,
  seeds: SeedStream,
  name: string,
  shape: number[],
  bound: number,
): NamedVariable {
  const seed = seeds.next();
  // tidy frees the initial tensor; the variable keeps its data alive.
  const variable = tf.tidy(() => tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed), true, uniqueVariableName(name)));
  return { name, variable };
}

/** A variable filled with a constant (BatchNorm weight 1 / bias 0, running mean 0 / var 1). */
export function constantVariable(tf: TF, name: string, shape: number[], value: number, trainable: boolean): NamedVariable {
  const variable = tf.tidy(() => tf.variable(tf.fill(shape, value), trainable, uniqueVariableName(name)));
  return { name, variable };
}

let counter = 0;
/** tfjs variable names are global to the engine: suffix them so two models (best/last, tests) never clash. */
function uniqueVariableName(name: string): string {
  counter += 1;
  return `${name}_${counter}`;
}

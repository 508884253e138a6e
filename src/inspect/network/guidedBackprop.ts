/**
 * Guided backpropagation (Springenberg et al. 2015): the gradient of a target with respect to the input, with
 * every activation's backward pass replaced by the guided rule; and the deconvnet reconstruction (Zeiler & Fergus
 * 2014) of one layer's strongest activation: the same backward pass with the deconvnet rule, from that unit alone.
 */
import type { Tensor, Tensor4D } from '../../trainer/engine/tf';
import { activationRule, type GradientRule } from './gradientRules';
import { traceForward, type TracedForward } from './forward';
import type { InspectInput } from './input';
import type { InspectableRun } from './runModel';
import type { ViewTarget } from './target';

/** What a backward pass starts from: one value per sample of the traced forward pass. */
type Objective = (traced: TracedForward, reference: Tensor) => Tensor;

/** ∂objective/∂input (HWC) with `rule` on the activations (the true gradient when rule is undefined). */
export async function ruleGradient(run: InspectableRun, input: InspectInput, objective: Objective, rule?: GradientRule, keep?: ReadonlySet<number>): Promise<Float32Array> {
  const { tf } = run;
  const shape: [number, number, number, number] = [1, input.height, input.width, input.channels];
  const grad = tf.tidy(() => {
    const reference = tf.tensor4d(input.x, shape);
    const around = rule ? activationRule(tf, rule) : undefined;
    return tf.grad((x: Tensor) => tf.sum(objective(traceForward(run, x, { around, keep }), reference)))(tf.tensor4d(input.x, shape) as Tensor4D);
  });
  const data = (await grad.data()) as Float32Array;
  grad.dispose();
  return data;
}

/** The guided backprop image of `target` (HWC, signed). */
export function guidedBackprop(run: InspectableRun, input: InspectInput, target: ViewTarget, rule: GradientRule = 'guided'): Promise<Float32Array> {
  return ruleGradient(run, input, (traced, reference) => target.score(traced, reference), rule);
}

/** One value of a layer's output: channel and position (row, col are 0 for a [F] output). */
export interface LayerUnit {
  layer: number;
  channel: number;
  row: number;
  col: number;
  value: number;
}

/** The largest value in layer `layer`'s output for this input. */
export async function strongestUnit(run: InspectableRun, input: InspectInput, layer: number): Promise<LayerUnit> {
  const { tf } = run;
  requireLayer(run, layer);
  const out = tf.tidy(() => traceForward(run, tf.tensor4d(input.x, [1, input.height, input.width, input.channels]), { keep: new Set([layer]) }).outputs.get(layer) as Tensor);
  const data = (await out.data()) as Float32Array;
  const shape = out.shape;
  out.dispose();
  let best = 0;
  for (let i = 1; i < data.length; i++) if (data[i] > data[best]) best = i;
  if (shape.length !== 4) return { layer, channel: best, row: 0, col: 0, value: data[best] };
  const [, , w, c] = shape;
  return { layer, channel: best % c, row: Math.floor(best / (w * c)), col: Math.floor(best / c) % w, value: data[best] };
}

/** The deconvnet reconstruction (HWC) of layer `layer`'s strongest unit for this input. */
export async function deconvnet(run: InspectableRun, input: InspectInput, layer: number): Promise<{ unit: LayerUnit; gradient: Float32Array }> {
  const unit = await strongestUnit(run, input, layer);
  const gradient = await ruleGradient(run, input, (traced) => unitValue(run, traced.outputs.get(layer) as Tensor, unit), 'deconvnet', new Set([layer]));
  return { unit, gradient };
}

/** The value of one unit of an NHWC or [N, F] output, per sample. */
export function unitValue(run: InspectableRun, output: Tensor, unit: Pick<LayerUnit, 'channel' | 'row' | 'col'>): Tensor {
  const { tf } = run;
  const n = output.shape[0] ?? 1;
  if (output.shape.length === 4) return tf.reshape(tf.slice(output, [0, unit.row, unit.col, unit.channel], [n, 1, 1, 1]), [n]);
  return tf.reshape(tf.slice(tf.reshape(output, [n, -1]), [0, unit.channel], [n, 1]), [n]);
}

/** Throws a RangeError naming the valid layers when `layer` is not one. */
export function requireLayer(run: InspectableRun, layer: number): void {
  if (!run.analysis.layers.some((l) => l.index === layer)) throw new RangeError(`the model has no layer ${layer} (1…${run.analysis.layers.length})`);
}

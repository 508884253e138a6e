/**
 * Activations with PyTorch's definitions (as trainer/engine/layers/activations.ts computes them), written with
 * the ops every runtime has: GELU through erf (or torch's tanh approximation), SiLU, Mish, the hard variants
 * through Relu6, PReLU as relu(x) + a·min(x, 0); Softmax / LogSoftmax along torch's dim.
 */
import type { ActivationArgs, ResolvedLayer } from '../../../model/types';
import type { GraphBuilder } from '../builder';
import type { BinaryOp, UnaryOp } from '../types';
import { layerName, type LayerLowering } from './types';

/** One elementwise step: its output has the input's shape. */
class Elementwise {
  constructor(private readonly b: GraphBuilder, private readonly shape: number[], private readonly hint: string) {}
  unary(op: UnaryOp, x: string): string {
    return this.b.add({ op }, [x], this.shape, this.hint);
  }
  binary(op: BinaryOp, x: string, y: string | number): string {
    return this.b.add({ op }, [x, typeof y === 'number' ? this.b.scalar(y) : y], this.shape, this.hint);
  }
}

type Formula = (e: Elementwise, x: string, a: ActivationArgs, layer: ResolvedLayer, b: GraphBuilder) => string;

const hardGate = (e: Elementwise, x: string): string => e.binary('Div', e.unary('Relu6', e.binary('Add', x, 3)), 6);

const FORMULAS: Record<string, Formula> = {
  ReLU: (e, x) => e.unary('Relu', x),
  ReLU6: (e, x) => e.unary('Relu6', x),
  Sigmoid: (e, x) => e.unary('Sigmoid', x),
  Tanh: (e, x) => e.unary('Tanh', x),
  LeakyReLU: (_e, x, a, layer, b) => b.add({ op: 'LeakyRelu', alpha: a.negative_slope ?? 0.01 }, [x], layer.outputShape, layerName(layer)),
  // relu(x) + α·(e^min(x,0) − 1), as the engine; runtimes' Elu has α = 1 only (TensorFlow).
  ELU: (e, x, a) => {
    const alpha = a.alpha ?? 1;
    const negative = e.binary('Sub', e.unary('Exp', e.binary('Min', x, 0)), 1);
    return e.binary('Add', e.unary('Relu', x), alpha === 1 ? negative : e.binary('Mul', negative, alpha));
  },
  GELU: (e, x, a) => {
    const half = e.binary('Mul', x, 0.5);
    if (a.approximate === 'tanh') {
      const cube = e.binary('Mul', e.binary('Mul', x, x), x);
      const inner = e.binary('Mul', e.binary('Add', x, e.binary('Mul', cube, 0.044715)), Math.sqrt(2 / Math.PI));
      return e.binary('Mul', half, e.binary('Add', e.unary('Tanh', inner), 1));
    }
    return e.binary('Mul', half, e.binary('Add', e.unary('Erf', e.binary('Mul', x, Math.SQRT1_2)), 1));
  },
  SiLU: (e, x) => e.binary('Mul', x, e.unary('Sigmoid', x)),
  Mish: (e, x) => e.binary('Mul', x, e.unary('Tanh', e.unary('Softplus', x))),
  Hardswish: (e, x) => e.binary('Mul', x, hardGate(e, x)),
  Hardsigmoid: (e, x) => hardGate(e, x),
  PReLU: (e, x, _a, layer, b) => {
    const w = b.weight(`${layerName(layer)}.weight`);
    // One slope per channel broadcasts over dim 1, as torch does: [C, 1, 1] for feature maps.
    const shape = w.shape[0] > 1 && layer.inputShape.length === 3 ? [w.shape[0], 1, 1] : w.shape;
    const slopes = b.constant(`${layerName(layer)}.weight`, shape, w.data);
    return e.binary('Add', e.unary('Relu', x), e.binary('Mul', e.binary('Min', x, 0), slopes));
  },
  Softmax: (_e, x, a, layer, b) => softmax(b, 'Softmax', x, a, layer),
  LogSoftmax: (_e, x, a, layer, b) => softmax(b, 'LogSoftmax', x, a, layer),
};

function softmax(b: GraphBuilder, op: 'Softmax' | 'LogSoftmax', x: string, a: ActivationArgs, layer: ResolvedLayer): string {
  const rank = layer.inputShape.length + 1;
  const dim = a.dim ?? 1;
  return b.add({ op, axis: dim < 0 ? dim + rank : dim }, [x], layer.outputShape, layerName(layer));
}

export const lowerActivation: LayerLowering = (b, layer, x) => {
  const formula = FORMULAS[layer.type];
  if (!formula) throw new Error(`${layer.type} is not an activation`);
  return formula(new Elementwise(b, layer.outputShape, layerName(layer)), x, layer.args as ActivationArgs, layer, b);
};

/**
 * Builds the engine model from the core's resolved graph: one EngineLayer per ResolvedLayer (named `layer<index>`),
 * residual blocks as body + projection (identity when empty) added together, graph models' named outputs in slots.
 */
import type {
  ActivationArgs,
  AdaptivePool2dArgs,
  BatchNormArgs,
  Conv2dArgs,
  ConvTranspose2dArgs,
  DropoutArgs,
  DetectionHeadArgs,
  ExcitationArgs,
  StochasticDepthArgs,
  FlattenArgs,
  GraphNode,
  LinearArgs,
  Pool2dArgs,
  ResolvedLayer,
  UnflattenArgs,
  UpsampleArgs,
} from '../../model/types';
import { buildActivation, buildDropout, buildFlatten, buildLinear, buildUnflatten } from './layers/basic';
import { buildPrelu } from './layers/activations';
import { buildConv2d, buildConvTranspose2d } from './layers/conv';
import { buildBatchNorm } from './layers/norm';
import { buildAdaptivePool2d, buildAvgPool2d, buildMaxPool2d } from './layers/pool';
import type { BuildContext, EngineLayer, NamedVariable } from './layers/types';
import { buildUpsample } from './layers/upsample';
import { buildSqueezeExcitation, buildStochasticDepth } from './layers/excitation';
import { buildDetectionHead } from './layers/detectionHead';
import { absorbsNextRelu } from '../../model/memory/convRelu';
import { mergeTensors } from './graphForward';
import { seedStream, type SeedStream } from './seeds';
import type { RowWindow } from './layers/draws';
import type { TF, Tensor } from './tf';

/** A built model: its layers in file order, its variables, and the forward pass over NHWC input. */
export interface EngineModel {
  readonly layers: EngineLayer[];
  /** Trainable parameters in file order. */
  readonly params: NamedVariable[];
  /** Non-trainable state (BatchNorm running statistics). */
  readonly buffers: NamedVariable[];
  /** The parameters of the layers not frozen: what gets gradients and optimizer updates. */
  readonly trainable: NamedVariable[];
  /**
   * Freezes the layers with these indices (ResolvedLayer.index) and unfreezes the others: their parameters leave
   * `trainable`, and those with running statistics (BatchNorm) run in evaluation mode while training, as
   * `module.eval()` keeps them in PyTorch.
   */
  freeze(indices: ReadonlySet<number>): void;
  /**
   * The forward pass. `inputGrad` false (training steps): no gradient of `x` is asked for, so layers that see only
   * x through parameter-free or frozen layers skip computing theirs (GradientFree).
   */
  apply(x: Tensor, training: boolean, inputGrad?: boolean): Tensor;
  /** The initialisation and random-mask seeds (data-parallel workers follow the coordinator's position). */
  readonly seeds: SeedStream;
  /** The rows of the global batch the next forward passes see (a data-parallel shard); null: the whole batch. */
  setRows(window: RowWindow | null): void;
  /** Number of trainable scalars (the core's `params` for the same file). */
  paramCount(): number;
  /**
   * The model cut before top-level graph node `node` (feature caching): the forward pass of the nodes before it, and
   * the rest as a model of its own sharing this one's variables and frozen layers (disposing it frees nothing).
   */
  split(node: number): { features: Forward; head: EngineModel };
  dispose(): void;
}

/** Builds a model from the core's graph; `seed` fixes initialisation and dropout masks. */
export function buildModel(tf: TF, graph: GraphNode[], seed: number): EngineModel {
  const ctx: BuildContext = { tf, seeds: seedStream(seed), rows: { window: null } };
  const layers: EngineLayer[] = [];
  // Named outputs of a graph model (slot 0: the input), filled as the forward pass reaches them.
  const slots: Tensor[] = [];
  const state: FrozenState = { frozen: new Set() };
  const free = new GradientFree();
  const steps = buildSteps(ctx, graph, layers, slots, (index) => state.frozen.has(index), free);
  const run = (part: readonly Step[]): Forward => {
    const sequence = compose(part);
    return (x, training, inputGrad = true) => {
      slots.length = 0;
      slots[0] = x;
      free.start(inputGrad ? undefined : x);
      try {
        return sequence(x, training);
      } finally {
        free.start(undefined);
      }
    };
  };
  const split = (node: number) => {
    const at = steps.findIndex((s) => s.node >= node);
    // A fused convolution and its ReLU are one step: no cut between them.
    if (at <= 0 || steps[at].node !== node) throw new Error(`the model cannot be cut before its graph node ${node}`);
    const offset = graph.slice(0, node).reduce((n, g) => n + layerCount(g), 0);
    return { features: run(steps.slice(0, at)), head: assemble(ctx, layers.slice(offset), run(steps.slice(at)), state, { owner: false, split }) };
  };
  return assemble(ctx, layers, run(steps), state, { owner: true, split });
}

/** Which layers are frozen, shared by a model and the heads split from it. */
interface FrozenState {
  frozen: ReadonlySet<number>;
}

/** A model over `layers` (all of the built ones, or a head's); only the owner frees the variables. */
function assemble(ctx: BuildContext, layers: EngineLayer[], forward: Forward, state: FrozenState, how: { owner: boolean; split: EngineModel['split'] }): EngineModel {
  const params = layers.flatMap((l) => l.params);
  const buffers = layers.flatMap((l) => l.buffers);
  return {
    layers,
    params,
    buffers,
    get trainable() {
      return layers.filter((l) => !state.frozen.has(layerIndex(l.name))).flatMap((l) => l.params);
    },
    freeze(indices) {
      state.frozen = new Set(indices);
    },
    apply: forward,
    seeds: ctx.seeds,
    setRows(window) {
      ctx.rows.window = window;
    },
    paramCount: () => params.reduce((sum, p) => sum + p.variable.size, 0),
    split: how.split,
    dispose: () => {
      if (!how.owner) return;
      [...params, ...buffers].forEach((p) => p.variable.dispose());
      layers.forEach((l) => l.dispose?.());
    },
  };
}

export type Forward = (x: Tensor, training: boolean, inputGrad?: boolean) => Tensor;

/**
 * The tensors of one forward pass that no gradient will be asked of: the input of a training step, and what
 * parameter-free or frozen layers (and merges of such tensors) make of it. A layer told its input is one of them
 * may skip that input's gradient.
 */
class GradientFree {
  private tensors = new WeakSet<Tensor>();

  /** A new forward pass from `input`, a gradient-free tensor (or none). */
  start(input: Tensor | undefined): void {
    this.tensors = new WeakSet();
    if (input) this.tensors.add(input);
  }

  has(t: Tensor): boolean {
    return this.tensors.has(t);
  }

  /** Marks `output` gradient-free when it depends only on gradient-free `inputs` and no trainable parameter. */
  follow(output: Tensor, inputs: Tensor[], trainable: boolean): Tensor {
    if (!trainable && inputs.every((t) => this.tensors.has(t))) this.tensors.add(output);
    return output;
  }
}

/** The forward pass of top-level graph node `node` (a fused convolution's step covers its ReLU's node too). */
interface Step {
  node: number;
  run: Forward;
}

function compose(steps: readonly Step[]): Forward {
  const runs = steps.map((s) => s.run);
  return (x, training) => runs.reduce((y, run) => run(y, training), x);
}

/** Engine layers a graph node builds. */
function layerCount(node: GraphNode): number {
  if (node.kind === 'layer') return 1;
  if (node.kind === 'residual') return [...node.body, ...node.projection].reduce((n, g) => n + layerCount(g), 0);
  return 0;
}

/** The ResolvedLayer.index of an engine layer or variable, from its name `layer<index>` / `layer<index>.weight`. */
export const layerIndex = (name: string): number => Number(name.slice('layer'.length).split('.')[0]);

/**
 * The forward steps over `nodes`, one per node; a convolution and the ReLU after it run as one op, one step (the ReLU
 * layer still exists). A frozen layer with running statistics runs in evaluation mode.
 */
function buildSteps(ctx: BuildContext, nodes: GraphNode[], out: EngineLayer[], slots: Tensor[], isFrozen: (index: number) => boolean, free: GradientFree): Step[] {
  const steps: Step[] = [];
  const push = (node: number, run: Forward) => steps.push({ node, run });
  let reluAbsorbed = false;
  nodes.forEach((node, i) => {
    if (node.kind === 'layer') {
      const layer = buildLayer(ctx, node.layer);
      out.push(layer);
      if (reluAbsorbed) {
        reluAbsorbed = false;
        return;
      }
      const fused = absorbsNextRelu(nodes, i) || batchNormBeforeRelu(nodes, i) ? layer.applyWithRelu : undefined;
      reluAbsorbed = fused !== undefined;
      const statistics = layer.buffers.length > 0;
      const index = node.layer.index;
      const apply = fused ?? ((x: Tensor, training: boolean, inputGrad?: boolean) => layer.apply(x, training, inputGrad));
      push(i, (x, training) => {
        const frozen = isFrozen(index);
        const y = apply(x, training && !(statistics && frozen), !free.has(x));
        return free.follow(y, [x], layer.params.length > 0 && !frozen);
      });
      return;
    }
    if (node.kind === 'store') {
      push(i, (x) => (slots[node.slot] = x));
      return;
    }
    if (node.kind === 'load') {
      push(i, () => slots[node.slot]);
      return;
    }
    if (node.kind === 'merge') {
      push(i, () => {
        const inputs = node.slots.map((s) => slots[s]);
        return free.follow(mergeTensors(ctx.tf, node.merge.op, inputs), inputs, false);
      });
      return;
    }
    const body = compose(buildSteps(ctx, node.body, out, slots, isFrozen, free));
    const projection = node.projection.length > 0 ? compose(buildSteps(ctx, node.projection, out, slots, isFrozen, free)) : undefined;
    push(i, (x, training) => {
      const parts = [body(x, training), projection ? projection(x, training) : x];
      return free.follow(ctx.tf.add(parts[0], parts[1]), parts, false);
    });
  });
  return steps;
}

/**
 * Whether nodes[i] is a BatchNorm directly followed by a ReLU, which the engine runs as one op. Unlike a fused
 * convolution's, this keeps as many tensors for the backward pass as the two layers (input and output), so the
 * memory estimate's rule (convRelu.ts) does not change.
 */
function batchNormBeforeRelu(nodes: readonly GraphNode[], i: number): boolean {
  const [node, next] = [nodes[i], nodes[i + 1]];
  return node?.kind === 'layer' && (node.layer.type === 'BatchNorm2d' || node.layer.type === 'BatchNorm1d') && next?.kind === 'layer' && next.layer.type === 'ReLU';
}

/** One ResolvedLayer → EngineLayer; the args are narrowed by the layer type, as the core resolves them. */
export function buildLayer(ctx: BuildContext, layer: ResolvedLayer): EngineLayer {
  const name = `layer${layer.index}`;
  const args = layer.args;
  switch (layer.type) {
    case 'Conv2d':
      return buildConv2d(ctx, name, args as Conv2dArgs);
    case 'ConvTranspose2d':
      return buildConvTranspose2d(ctx, name, args as ConvTranspose2dArgs);
    case 'MaxPool2d':
      return buildMaxPool2d(ctx, name, args as Pool2dArgs);
    case 'AvgPool2d':
      return buildAvgPool2d(ctx, name, args as Pool2dArgs);
    case 'AdaptiveAvgPool2d':
      return buildAdaptivePool2d(ctx, name, args as AdaptivePool2dArgs, 'avg');
    case 'AdaptiveMaxPool2d':
      return buildAdaptivePool2d(ctx, name, args as AdaptivePool2dArgs, 'max');
    case 'BatchNorm1d':
    case 'BatchNorm2d':
      return buildBatchNorm(ctx, name, args as BatchNormArgs);
    case 'Dropout':
    case 'Dropout2d':
      return buildDropout(ctx, name, args as DropoutArgs, layer.type === 'Dropout2d');
    case 'Flatten':
      return buildFlatten(ctx, name, args as FlattenArgs);
    case 'Unflatten':
      return buildUnflatten(ctx, name, args as UnflattenArgs, layer.outputShape);
    case 'Linear':
      return buildLinear(ctx, name, args as LinearArgs);
    case 'Upsample':
      return buildUpsample(ctx, name, args as UpsampleArgs, layer.inputShape);
    case 'ReLU':
    case 'LeakyReLU':
    case 'ELU':
    case 'ReLU6':
    case 'GELU':
    case 'SiLU':
    case 'Mish':
    case 'Hardswish':
    case 'Hardsigmoid':
    case 'Sigmoid':
    case 'Tanh':
    case 'Softmax':
    case 'LogSoftmax':
      return buildActivation(ctx, name, layer.type, args as ActivationArgs);
    case 'PReLU':
      return buildPrelu(ctx, name, args as ActivationArgs);
    case 'SqueezeExcitation':
      return buildSqueezeExcitation(ctx, name, args as ExcitationArgs);
    case 'StochasticDepth':
      return buildStochasticDepth(ctx, name, args as StochasticDepthArgs);
    case 'DetectionHead':
      return buildDetectionHead(ctx, name, args as DetectionHeadArgs);
  }
}

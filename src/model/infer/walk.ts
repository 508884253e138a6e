/**
 * Walks the layer items in file order, threading the tensor shape through them: each layer is bound to its
 * signature, handed to its family's handler, and recorded as a ResolvedLayer and a GraphNode. Repeat blocks
 * are expanded; residual blocks add their body's output to their input (or its projection). Graph items name
 * outputs (`as`), take named ones (`from`) and merge them (concat / add / multiply) through GraphNames.
 */
import type { DiagnosticSink } from '../diagnostics';
import { didYouMean, suggestionSuffix } from '../didYouMean';
import { bindArgs, type BoundArgs } from '../layers/bind';
import { LAYER_CATALOG, LAYER_TYPES, lookupLayerType } from '../layers/catalog';
import { formatShape } from '../layers/arithmetic';
import { reportedField, type LayerContext, type LayerOutcome, type Receptive } from '../layers/handler';
import { LAYER_HANDLERS } from '../layers/registry';
import { renderCall } from '../layers/renderCall';
import { TORCH_NN_MODULES } from '../layers/torchModules';
import type { SourceText } from '../parse/sourceText';
import type { ItemSpec, LayerSpec, MergeSpec, ResidualSpec } from '../spec';
import type { FixEdit, GraphNode, LayerType, PyValue, Range, ResolvedLayer, ResolvedMerge, Shape } from '../types';
import { GraphNames } from './graphNames';
import { mergeMacs, mergeShape } from './merge';

/** What flows from one layer to the next; shape is undefined after an error that makes it unknowable. */
export interface Flow {
  shape: Shape | undefined;
  receptive: Receptive;
  /** Producer of the current tensor, for messages ("Flatten at line 9"). */
  source: string;
}

/** Where module names are given: the dotted prefix of the enclosing blocks and the next number for an unnamed item. */
interface ModuleScope {
  prefix: string;
  next: number;
}

/** The module name of an item in `scope`: its written name, or the next number (which only unnamed items take). */
function moduleName(scope: ModuleScope, written: string | undefined): string {
  const own = written ?? String(scope.next++);
  // A written index (`"2": …`) moves the numbering on, so that the next unnamed item is 3.
  if (written && /^\d+$/.test(written)) scope.next = Math.max(scope.next, Number(written) + 1);
  return scope.prefix ? `${scope.prefix}.${own}` : own;
}

/** Nested repeats multiply: past this many layers the walk stops (a typo like times: 1000 must not freeze the editor). */
export const MAX_LAYERS = 20000;

export class GraphWalker {
  readonly layers: ResolvedLayer[] = [];
  private truncated = false;
  /** Items visited, layers or not: nested repeats of empty blocks must stop too. */
  private visits = 0;
  private readonly bound = new WeakMap<ResolvedLayer, BoundArgs>();
  readonly merges: ResolvedMerge[] = [];
  private names?: GraphNames;

  constructor(
    private readonly src: SourceText,
    private readonly sink: DiagnosticSink,
    private readonly imageSize: [number, number],
  ) {}

  /** The whole `layers:` list: its named outputs are checked once it is walked. */
  walkModel(items: ItemSpec[], input: Flow): { nodes: GraphNode[]; flow: Flow } {
    this.names = new GraphNames(this.sink, input, items);
    const result = this.walk(items, input, 'layers');
    const last = result.nodes[result.nodes.length - 1];
    this.names.finish(last?.kind === 'store' ? last.slot : undefined);
    return result;
  }

  walk(items: ItemSpec[], flow: Flow, path: string, scope: ModuleScope = { prefix: '', next: 0 }): { nodes: GraphNode[]; flow: Flow } {
    const nodes: GraphNode[] = [];
    items.forEach((item, i) => {
      const here = `${path}[${i}]`;
      if (this.overBudget(item.range)) return;
      // A repeat's items are numbered in its block, like `*[Block() for _ in range(n)]`; a merge is no module.
      const named = item.kind === 'merge' || (item.kind === 'repeat' && !item.module) ? scope.prefix : moduleName(scope, item.module?.name);
      if (item.from && this.names) {
        const b = this.names.use(item.from);
        if (b) nodes.push({ kind: 'load', slot: b.slot, name: item.from.name });
        flow = b ? b.flow : { ...flow, shape: undefined };
      }
      if (item.kind === 'merge') {
        const r = this.merge(item, flow);
        nodes.push(r.node);
        flow = r.flow;
      } else if (item.kind === 'layer') {
        const r = this.layer(item, flow, here, named);
        // Unknown layer names only leave a diagnostic: they are not layers.
        if (r.layer) nodes.push({ kind: 'layer', layer: r.layer });
        flow = r.flow;
      } else if (item.kind === 'repeat') {
        const inner = item.module ? { prefix: named, next: 0 } : scope;
        for (let t = 0; t < item.times && !this.overBudget(item.range); t++) {
          const r = this.walk(item.body, flow, `${here}.repeat[${t}].layers`, inner);
          nodes.push(...r.nodes);
          flow = r.flow;
        }
      } else if (item.kind === 'block') {
        const r = this.walk(item.body, flow, `${here}.block`, { prefix: named, next: 0 });
        nodes.push(...r.nodes);
        flow = r.flow;
      } else {
        const r = this.residual(item, flow, here, { prefix: named, next: 0 });
        nodes.push(r.node);
        flow = r.flow;
      }
      if (item.as && this.names) nodes.push({ kind: 'store', slot: this.names.define(item.as, flow), name: item.as.name });
    });
    return { nodes, flow };
  }

  private merge(item: MergeSpec, flow: Flow): { node: GraphNode; flow: Flow } {
    const used = item.inputs.map((ref) => ({ ref, binding: this.names?.use(ref) }));
    const source = `${item.op} at line ${item.range.start.line + 1}`;
    const known = used.every((u) => u.binding?.flow.shape);
    const inputs = used.map((u) => ({ name: u.ref.name, shape: u.binding?.flow.shape ?? [], source: u.binding?.flow.source ?? '' }));
    let shape: Shape | undefined;
    if (known) {
      const r = mergeShape(item.op, inputs);
      if ('error' in r) this.sink.error('merge-shape-mismatch', r.error, item.range);
      else shape = r.shape;
    }
    const flows = used.flatMap((u) => (u.binding ? [u.binding.flow] : []));
    const receptive = flows.length ? {
      rf: [0, 1].map((d) => Math.max(...flows.map((f) => f.receptive.rf[d]))) as [number, number],
      jump: [0, 1].map((d) => Math.max(...flows.map((f) => f.receptive.jump[d]))) as [number, number],
    } : flow.receptive;
    const merge: ResolvedMerge = {
      op: item.op, range: item.range, inputs: inputs.map(({ name, shape: s }) => ({ name, shape: s })), outputShape: shape ?? [],
      macs: shape ? mergeMacs(item.op, shape, inputs.length) : 0, receptiveField: reportedField(receptive, this.imageSize),
    };
    this.merges.push(merge);
    const slots = used.map((u) => u.binding?.slot ?? -1);
    return { node: { kind: 'merge', merge, slots }, flow: { shape, receptive, source } };
  }

  /** True (and reported once) when the expansion has grown past MAX_LAYERS layers or 10× as many steps. */
  private overBudget(range: Range): boolean {
    if (this.truncated) return true;
    if (this.layers.length < MAX_LAYERS && ++this.visits <= 10 * MAX_LAYERS) return false;
    this.sink.error('too-many-layers', `The model expands to more than ${MAX_LAYERS} layers (check repeat.times): analysis stopped here`, range);
    this.truncated = true;
    return true;
  }

  private residual(item: ResidualSpec, input: Flow, path: string, scope: ModuleScope): { node: GraphNode; flow: Flow } {
    const body = this.walk(item.body, input, `${path}.residual.layers`, scope);
    const proj = item.projection.length ? this.walk(item.projection, input, `${path}.residual.projection`, scope) : undefined;
    const skip = proj ? proj.flow.shape : input.shape;
    let shape = body.flow.shape;
    if (shape && skip && formatShape(shape) !== formatShape(skip)) {
      const hint = proj ? 'change the projection so both match' : `add a projection, e.g. [Conv2d(${skip[0]}, ${shape[0]}, 1, stride=…)]`;
      this.sink.error('residual-shape-mismatch',
        `Residual block: its layers output ${formatShape(shape)}, which cannot be added to ${proj ? 'the projection' : 'its input'} ${formatShape(skip)}: ${hint}`,
        item.range);
      shape = undefined;
    }
    const flow: Flow = { shape, receptive: body.flow.receptive, source: `the residual block at line ${item.range.start.line + 1}` };
    const node: GraphNode = { kind: 'residual', range: item.range, body: body.nodes, projection: proj?.nodes ?? [], outputShape: shape ?? [] };
    return { node, flow };
  }

  private layer(spec: LayerSpec, flow: Flow, path: string, module: string): { layer?: ResolvedLayer; flow: Flow } {
    const line = spec.range.start.line + 1;
    const type = this.layerType(spec);
    if (!type) return { flow: { ...flow, shape: undefined, source: `${spec.name} at line ${line}` } };
    const signature = LAYER_CATALOG[type];
    const { bound, complete } = bindArgs(spec, signature, this.sink);
    const written = bound.written();
    const source = `${type} at line ${line}`;
    const outcome = complete && flow.shape ? LAYER_HANDLERS[type].infer(this.context(spec, type, bound, flow, flow.shape)) : undefined;
    if (!outcome || !flow.shape) {
      const layer = this.unresolved(spec, type, flow, path, module, renderCall(type, signature, written));
      return { layer, flow: { ...flow, shape: undefined, source } };
    }
    // Inferred counts (in_channels, …) become part of the text so it is valid PyTorch.
    for (const a of signature.args) {
      if (a.inferred && !written.has(a.name)) written.set(a.name, (outcome.args as unknown as Record<string, PyValue>)[a.name]);
    }
    const layer = this.resolved(spec, type, flow.shape, outcome, path, module, renderCall(type, signature, written));
    this.bound.set(layer, bound);
    return { layer, flow: { shape: outcome.output, receptive: outcome.receptive, source } };
  }

  private context(spec: LayerSpec, type: LayerType, bound: BoundArgs, flow: Flow, input: Shape): LayerContext {
    return {
      type, input, bound, sink: this.sink, source: flow.source, receptive: flow.receptive, imageSize: this.imageSize,
      insertBefore: this.insertBefore.bind(this, spec),
    };
  }

  /** Range of an argument's value as written in the layer's source, if it was written. */
  writtenRange(layer: ResolvedLayer, arg: string): Range | undefined {
    return this.bound.get(layer)?.valueRange(arg);
  }

  private layerType(spec: LayerSpec): LayerType | undefined {
    const type = lookupLayerType(spec.name);
    if (type) return type;
    if (TORCH_NN_MODULES.has(spec.name)) {
      this.sink.error('unsupported-layer', `${spec.name} is a PyTorch layer that CNN Lab does not support (the supported layers are listed in docs/model-file.md)`, spec.nameRange);
      return undefined;
    }
    const guess = didYouMean(spec.name, LAYER_TYPES);
    const fixes: FixEdit[] | undefined = guess ? [{ title: `Change to ${guess}`, range: spec.nameRange, newText: spec.form === 'call' ? guess : guess.toLowerCase() }] : undefined;
    this.sink.error('unknown-layer', `Unknown layer '${spec.name}'.${suggestionSuffix(guess)}`, spec.nameRange, fixes);
    return undefined;
  }

  private resolved(spec: LayerSpec, type: LayerType, input: Shape, o: LayerOutcome, path: string, module: string, text: string): ResolvedLayer {
    const layer: ResolvedLayer = {
      index: this.layers.length + 1, type, args: o.args, range: spec.range, text, inputShape: input, outputShape: o.output,
      params: o.params, trainableParams: o.trainableParams, buffers: o.buffers, macs: o.macs,
      receptiveField: reportedField(o.receptive, this.imageSize), jump: Math.max(...o.receptive.jump), path, module,
    };
    if (spec.module) layer.moduleRange = spec.module.range;
    this.layers.push(layer);
    return layer;
  }

  /** A layer whose shapes cannot be known (its own error or an earlier one): recorded with empty shapes. */
  private unresolved(spec: LayerSpec, type: LayerType, flow: Flow, path: string, module: string, text: string): ResolvedLayer {
    const none: LayerOutcome = { args: {}, output: [], params: 0, trainableParams: 0, buffers: 0, macs: 0, receptive: flow.receptive };
    return this.resolved(spec, type, flow.shape ?? [], none, path, module, text);
  }

  /** Inserts a new `- Layer()` line above the item when the item starts its own `- ` line. */
  private insertBefore(spec: LayerSpec, layerText: string): FixEdit | undefined {
    const indent = this.ownLineIndent(spec.range);
    if (indent === undefined) return undefined;
    const at = { line: spec.range.start.line, character: 0 };
    return { title: `Insert ${layerText} before this layer`, range: { start: at, end: at }, newText: `${indent}- ${layerText}\n` };
  }

  /** Deletes the layer's `- Layer()` line, when the layer is alone on it (a comment may follow). */
  removeItem(layer: ResolvedLayer): FixEdit | undefined {
    const { start, end } = layer.range;
    if (this.ownLineIndent(layer.range) === undefined || start.line !== end.line) return undefined;
    if (!/^\s*(#.*)?$/.test(this.src.lineText(end.line).slice(end.character))) return undefined;
    const from = this.src.offset({ line: start.line, character: 0 });
    const newline = this.src.text.indexOf('\n', from);
    return { title: `Remove ${layer.type}`, range: this.src.range(from, newline < 0 ? this.src.text.length : newline + 1), newText: '' };
  }

  /** The indentation before `- ` when the item starts its own list line. */
  private ownLineIndent(range: Range): string | undefined {
    const prefix = this.src.lineText(range.start.line).slice(0, range.start.character);
    return /^(\s*)-\s+$/.exec(prefix)?.[1];
  }
}

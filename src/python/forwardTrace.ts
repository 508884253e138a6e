/**
 * Follows a module's `forward` statically, statement by statement, turning what it does to the tensor into the
 * core's graph items: modules called (`self.conv1(x)`, nn.Sequential members, blocks of the same file),
 * functional layers (`F.relu`, `F.max_pool2d`, `F.interpolate`), flattening (`torch.flatten(x, 1)`,
 * `x.view(x.size(0), -1)`, `x.view(-1, n)`), `+` / `*` between tensors and `torch.cat`. The first statement it
 * cannot follow (a loop, a branch, an unknown call) stops the trace with a note saying why: the shapes before it
 * are right, and none is guessed after it.
 */
import { FUNCTIONAL_LAYERS, FUNCTIONAL_ONLY } from '../model/parse/pythonHabits';
import type { LayerSpec } from '../model/spec';
import type { PyValue, Range } from '../model/types';
import { evaluateConstant, isUnknown, short } from './constants';
import { GraphBuilder, type Ref } from './graphBuilder';
import { layerSpec, moduleReference, Scope, type ModuleValue } from './moduleValues';
import type { PyNode } from './parser';
import { callParts, dottedName, field, lastNameNode, named, rangeOf, statements, unwrap } from './syntax';

/** F.interpolate is Upsample's functional form (U-Net decoders). */
const FUNCTIONAL = { ...FUNCTIONAL_LAYERS, interpolate: 'Upsample' } as Record<string, string>;

/** A `x.view(-1, n)` whose n the core checks against what arrives once shapes are known. */
export interface ViewCheck {
  flatten: LayerSpec;
  features: number;
  range: Range;
}

export class Stop {
  constructor(readonly node: PyNode, readonly why: string) {}
}

export interface TraceResult {
  output?: Ref;
  stop?: Stop;
}

/** A forward statement and the tensor it leaves in its variable (for an inlay hint at its end). */
export interface TracedStatement {
  range: Range;
  ref: Ref;
}

export class ForwardTracer {
  readonly views: ViewCheck[] = [];
  readonly statements: TracedStatement[] = [];
  private depth = 0;

  constructor(readonly graph: GraphBuilder) {}

  /** Applies a module value to a tensor. */
  apply(module: ModuleValue, input: Ref, use: PyNode, scope: Scope, hint: string, direct = true): Ref | Stop {
    switch (module.kind) {
      case 'layer':
        return this.graph.layer(module.spec, input, direct ? rangeOf(scope.src, use) : undefined, hint);
      case 'identity':
        return input;
      case 'sequence': {
        let ref = input;
        for (const m of module.items) {
          const r = this.apply(m, ref, use, scope, hint, false);
          if (r instanceof Stop) return r;
          ref = r;
        }
        return ref;
      }
      case 'instance':
        return this.instance(module, [input], use);
      case 'list':
        return new Stop(use, `\`${short(use)}\` calls an nn.ModuleList, which has no forward of its own`);
      case 'dict':
        return new Stop(use, `\`${short(use)}\` calls an nn.ModuleDict, which has no forward of its own`);
      case 'opaque':
        return new Stop(use, module.why);
    }
  }

  /** Traces a block's forward with `inputs` as its tensor arguments; its statements are not hinted. */
  private instance(module: Extract<ModuleValue, { kind: 'instance' }>, inputs: Ref[], use: PyNode): Ref | Stop {
    if (!module.forward) return new Stop(use, `${module.className} has no forward method CNN Lab can read`);
    if (this.depth > 8) return new Stop(use, `${module.className} nests blocks more than 8 deep`);
    this.depth++;
    try {
      const r = this.forward(module.forward, module.scope, inputs, false);
      if (r.stop) return new Stop(use, `${module.className}.forward: ${r.stop.why}`);
      return r.output ?? new Stop(use, `${module.className}.forward returns no tensor CNN Lab can follow`);
    } finally {
      this.depth--;
    }
  }

  /** Runs a forward method with its parameters after self bound to `inputs` (a U-Net's up block takes two). */
  forward(def: PyNode, scope: Scope, inputs: Ref[], record: boolean): TraceResult {
    const params = named(field(def, 'parameters')).slice(1);
    const names = params.map((p) => (p.type === 'identifier' ? p.text : p.type === 'typed_parameter' ? named(p)[0]?.text : undefined));
    if (names.length < inputs.length || names.slice(0, inputs.length).some((n) => !n)) return { stop: new Stop(def, `forward does not take ${inputs.length} tensor argument(s) CNN Lab can bind`) };
    const tensors = new Map<string, Ref>(inputs.map((r, i) => [names[i]!, r]));
    for (const s of statements(field(def, 'body'))) {
      const r = this.statement(s, scope, tensors, record);
      if (r) return r;
    }
    return { stop: new Stop(def, 'forward has no return statement') };
  }

  /** undefined: go on to the next statement. */
  private statement(s: PyNode, scope: Scope, tensors: Map<string, Ref>, record: boolean): TraceResult | undefined {
    if (s.type === 'return_statement') {
      const e = named(s)[0];
      if (!e) return { stop: new Stop(s, 'forward returns nothing') };
      const r = this.tensor(e, scope, tensors, 'out');
      return r instanceof Stop ? { stop: r } : { output: r };
    }
    if (s.type === 'pass_statement') return undefined;
    if (s.type !== 'expression_statement') return { stop: new Stop(s, stopReason(s)) };
    const e = unwrap(named(s)[0]);
    if (e.type === 'string') return undefined;
    if (e.type === 'call' && ['print', 'breakpoint'].includes(dottedName(field(e, 'function'))?.[0] ?? '')) return undefined;
    if (e.type === 'assignment') return this.assignment(s, e, scope, tensors, record);
    if (e.type === 'augmented_assignment' && ['+=', '*='].includes(field(e, 'operator')?.text ?? '')) {
      const target = unwrap(field(e, 'left')!);
      const r = this.binary(e, field(e, 'operator')!.text[0], target, field(e, 'right')!, scope, tensors, target.text);
      return this.bind(r, target, s, scope, tensors, record);
    }
    return { stop: new Stop(s, `\`${short(s)}\` is a statement CNN Lab does not follow`) };
  }

  private assignment(s: PyNode, e: PyNode, scope: Scope, tensors: Map<string, Ref>, record: boolean): TraceResult | undefined {
    const target = unwrap(field(e, 'left')!);
    const right = field(e, 'right');
    if (!right || target.type !== 'identifier') return { stop: new Stop(s, `\`${short(e)}\` assigns to something other than one variable`) };
    // `n = x.size(0)`, `b = 4`: not a tensor. Only a statement that reads a tensor variable is followed.
    if (!mentions(right, tensors)) {
      scope.set(target.text, { kind: 'unknown', why: `\`${target.text}\` is computed in forward` });
      return undefined;
    }
    if (isSizeQuery(right)) {
      tensors.delete(target.text);
      return undefined;
    }
    return this.bind(this.tensor(right, scope, tensors, target.text), target, s, scope, tensors, record);
  }

  private bind(r: Ref | Stop, target: PyNode, s: PyNode, scope: Scope, tensors: Map<string, Ref>, record: boolean): TraceResult | undefined {
    if (r instanceof Stop) return { stop: r };
    const ref = this.graph.rename(r, target.text, rangeOf(scope.src, target));
    tensors.set(target.text, ref);
    if (record && ref.item) this.statements.push({ range: rangeOf(scope.src, s), ref });
    return undefined;
  }

  /** A tensor expression → the Ref of its value (items appended on the way), or where and why it stops. */
  tensor(node: PyNode, scope: Scope, tensors: Map<string, Ref>, hint: string): Ref | Stop {
    const n = unwrap(node);
    if (n.type === 'identifier') return tensors.get(n.text) ?? new Stop(n, `\`${n.text}\` is not a tensor CNN Lab followed`);
    if (n.type === 'binary_operator') {
      const op = field(n, 'operator')?.text ?? '';
      return this.binary(n, op, field(n, 'left')!, field(n, 'right')!, scope, tensors, hint);
    }
    if (n.type !== 'call') return new Stop(n, `\`${short(n)}\` is not an operation on tensors CNN Lab follows`);
    const parts = callParts(n);
    if (!parts) return new Stop(n, `\`${short(n)}\` is not a call CNN Lab reads`);
    const callee = unwrap(parts.callee);
    // A method on a tensor: x.view(…), x.flatten(1).
    if (callee.type === 'attribute' && mentions(field(callee, 'object')!, tensors) && !dottedName(callee)?.includes('self')) {
      return this.method(n, callee, parts, scope, tensors, hint);
    }
    const module = moduleReference(callee, scope);
    if (module?.kind === 'instance' && parts.positional.length > 1 && !parts.keywords.length) {
      const inputs: Ref[] = [];
      for (const a of parts.positional) {
        const r = this.tensor(a, scope, tensors, hint);
        if (r instanceof Stop) return r;
        inputs.push(r);
      }
      return this.instance(module, inputs, n);
    }
    if (module) {
      if (parts.positional.length !== 1 || parts.keywords.length) return new Stop(n, `\`${short(n)}\` passes more than one tensor`);
      const input = this.tensor(parts.positional[0], scope, tensors, hint);
      return input instanceof Stop ? input : this.apply(module, input, n, scope, hint);
    }
    const path = dottedName(callee);
    const fn = path?.[path.length - 1];
    const namespace = path?.slice(0, -1).join('.');
    if (fn && namespace && ['F', 'torch', 'nn.functional', 'torch.nn.functional'].includes(namespace)) return this.functional(n, fn, parts, scope, tensors, hint);
    return new Stop(n, `\`${short(callee)}\` is a call CNN Lab does not follow`);
  }

  private functional(n: PyNode, fn: string, parts: NonNullable<ReturnType<typeof callParts>>, scope: Scope, tensors: Map<string, Ref>, hint: string): Ref | Stop {
    if (fn === 'cat' || fn === 'concat') return this.cat(n, parts, scope, tensors, hint);
    if (fn === 'add' || fn === 'mul') {
      if (parts.positional.length !== 2) return new Stop(n, `\`${short(n)}\` is not torch.${fn}(a, b)`);
      return this.binary(n, fn === 'add' ? '+' : '*', parts.positional[0], parts.positional[1], scope, tensors, hint);
    }
    const first = parts.positional[0];
    if (!first) return new Stop(n, `\`${short(n)}\` has no tensor argument`);
    const input = this.tensor(first, scope, tensors, hint);
    if (input instanceof Stop) return input;
    const src = scope.src;
    if (fn === 'flatten') {
      const start = parts.positional[1] ?? parts.keywords.find((k) => k.name === 'start_dim')?.value;
      const startDim = start ? evaluateConstant(start, scope) : 0;
      if (startDim !== 1) return new Stop(n, `\`${short(n)}\` flattens from dimension ${isUnknown(startDim) ? '?' : String(startDim)}: only torch.flatten(x, 1) keeps the batch dimension apart`);
      return this.graph.layer(flattenSpec(n, lastNameNode(parts.callee), src), input, rangeOf(src, n), hint);
    }
    const layer = FUNCTIONAL[fn];
    if (!layer) return new Stop(n, `\`${short(parts.callee)}\` is a function CNN Lab does not follow`);
    return this.graph.layer(layerSpec(layer, n, scope, { dropKeywords: FUNCTIONAL_ONLY }), input, rangeOf(src, n), hint);
  }

  private method(n: PyNode, callee: PyNode, parts: NonNullable<ReturnType<typeof callParts>>, scope: Scope, tensors: Map<string, Ref>, hint: string): Ref | Stop {
    const name = field(callee, 'attribute')!.text;
    const input = this.tensor(field(callee, 'object')!, scope, tensors, hint);
    if (input instanceof Stop) return input;
    const src = scope.src;
    const flatten = () => this.graph.layer(flattenSpec(n, field(callee, 'attribute')!, src), input, rangeOf(src, n), hint);
    if (name === 'flatten') {
      const start = parts.positional[0] ?? parts.keywords.find((k) => k.name === 'start_dim')?.value;
      return start && evaluateConstant(start, scope) === 1 ? flatten() : new Stop(n, `\`${short(n)}\`: only x.flatten(1) keeps the batch dimension apart`);
    }
    if (name === 'view' || name === 'reshape') {
      const args = parts.positional.length === 1 && ['tuple', 'list'].includes(unwrap(parts.positional[0]).type) ? named(unwrap(parts.positional[0])) : parts.positional;
      if (args.length !== 2) return new Stop(n, `\`${short(n)}\` reshapes to ${args.length} dimensions: CNN Lab follows only flattening views`);
      const [batch, features] = args.map((a) => evaluateConstant(a, scope));
      const batchFirst = isBatch(args[0], batch, tensors);
      if (batchFirst && features === -1) return flatten();
      if (batch === -1 && typeof features === 'number' && features > 0) {
        const r = flatten();
        if (r.item?.kind === 'layer') this.views.push({ flatten: r.item, features, range: rangeOf(src, args[1]) });
        return r;
      }
      return new Stop(n, `\`${short(n)}\` reshapes in a way CNN Lab does not follow (it reads x.view(x.size(0), -1) and x.view(-1, n))`);
    }
    if (['contiguous', 'clone', 'float', 'detach'].includes(name) && parts.positional.length === 0) return input;
    return new Stop(n, `\`.${name}(…)\` on a tensor is not followed by CNN Lab`);
  }

  private cat(n: PyNode, parts: NonNullable<ReturnType<typeof callParts>>, scope: Scope, tensors: Map<string, Ref>, hint: string): Ref | Stop {
    const list = parts.positional[0] && unwrap(parts.positional[0]);
    if (!list || !['list', 'tuple'].includes(list.type)) return new Stop(n, `\`${short(n)}\` joins tensors CNN Lab cannot list`);
    const dimNode = parts.positional[1] ?? parts.keywords.find((k) => k.name === 'dim' || k.name === 'axis')?.value;
    const dim = dimNode ? evaluateConstant(dimNode, scope) : 0;
    if (dim !== 1) return new Stop(n, `\`${short(n)}\` joins along dimension ${isUnknown(dim) ? '?' : String(dim)}: CNN Lab follows torch.cat along the channels (dim=1)`);
    const refs: Ref[] = [];
    for (const item of named(list)) {
      const r = this.tensor(item, scope, tensors, `${hint}_in`);
      if (r instanceof Stop) return r;
      refs.push(r);
    }
    return this.graph.merge('concat', refs, rangeOf(scope.src, parts.callee), rangeOf(scope.src, n), hint);
  }

  private binary(n: PyNode, op: string, left: PyNode, right: PyNode, scope: Scope, tensors: Map<string, Ref>, hint: string): Ref | Stop {
    const leftTensor = mentions(left, tensors);
    const rightTensor = mentions(right, tensors);
    // A tensor times or plus a number keeps its shape.
    if (leftTensor !== rightTensor && ['+', '*', '-', '/'].includes(op)) {
      const constant = evaluateConstant(leftTensor ? right : left, scope);
      if (!isUnknown(constant) && typeof constant === 'number') return this.tensor(leftTensor ? left : right, scope, tensors, hint);
    }
    if (!leftTensor || !rightTensor || (op !== '+' && op !== '*')) return new Stop(n, `\`${short(n)}\` is arithmetic CNN Lab does not follow`);
    const a = this.tensor(left, scope, tensors, hint);
    if (a instanceof Stop) return a;
    const b = this.tensor(right, scope, tensors, `${hint}_b`);
    if (b instanceof Stop) return b;
    const opNode = n.children.find((c) => c !== null && !c.isNamed && c.text.startsWith(op));
    return this.graph.merge(op === '+' ? 'add' : 'multiply', [a, b], rangeOf(scope.src, opNode ?? n), rangeOf(scope.src, n), hint);
  }
}

/** `x.size(0)`, `x.shape[0]`, `batch_size` (a name not bound to a tensor): the batch dimension of a view. */
function isBatch(node: PyNode, value: PyValue | { unknown: string }, tensors: Map<string, Ref>): boolean {
  const n = unwrap(node);
  if (n.type === 'call' && field(unwrap(field(n, 'function')!), 'attribute')?.text === 'size') return true;
  if (n.type === 'subscript' && field(unwrap(field(n, 'value')!), 'attribute')?.text === 'shape') return true;
  return n.type === 'identifier' && !tensors.has(n.text) && isUnknown(value);
}

/** `x.size(0)`, `x.shape`, `x.shape[2]`, `x.dim()`: a number read off a tensor, not a tensor. */
function isSizeQuery(node: PyNode): boolean {
  let n = unwrap(node);
  if (n.type === 'subscript') n = unwrap(field(n, 'value')!);
  if (n.type === 'call') n = unwrap(field(n, 'function')!);
  return n.type === 'attribute' && ['size', 'shape', 'dim', 'numel', 'ndim'].includes(field(n, 'attribute')?.text ?? '');
}

/** Whether the expression reads a tensor variable (not an attribute or keyword that happens to share its name). */
function mentions(node: PyNode, tensors: Map<string, Ref>): boolean {
  if (node.type === 'identifier') return tensors.has(node.text);
  return node.descendantsOfType('identifier').some((i) => {
    if (!i || !tensors.has(i.text)) return false;
    const parent = i.parent;
    const role = parent && (parent.type === 'attribute' ? 'attribute' : parent.type === 'keyword_argument' ? 'name' : undefined);
    return !role || !parent!.childForFieldName(role)?.equals(i);
  });
}

function flattenSpec(call: PyNode, nameNode: PyNode, src: Scope['src']): LayerSpec {
  return { kind: 'layer', name: 'Flatten', nameRange: rangeOf(src, nameNode), args: [], range: rangeOf(src, call), form: 'call' };
}

function stopReason(s: PyNode): string {
  const kind = s.type.replace(/_statement$/, '');
  if (kind === 'for' || kind === 'while') return `forward loops (\`${kind}\`): the layers it calls depend on running the code`;
  if (kind === 'if') return 'forward branches (`if`): which layers run depends on running the code';
  return `\`${short(s)}\` is a statement CNN Lab does not follow`;
}

/**
 * What a Python expression is, statically, when it builds a network: a torch.nn layer (as a LayerSpec for the
 * model core), an nn.Sequential / nn.ModuleList / nn.ModuleDict of modules, an instance of a module class of the same file, a
 * constant, or something that cannot be known without running the code (with the reason).
 */
import { LAYER_CATALOG, lookupLayerType } from '../model';
import type { SourceText } from '../model/parse/sourceText';
import { TORCH_NN_MODULES } from '../model/layers/torchModules';
import type { ArgSpec, LayerSpec } from '../model/spec';
import type { PyValue, Range } from '../model/types';
import { evaluateConstant, isUnknown, short, type Known, type NameLookup } from './constants';
import type { PyNode } from './parser';
import { runInit } from './moduleClass';
import { callParts, dottedName, field, lastNameNode, named, rangeOf, unwrap } from './syntax';

export type ModuleValue =
  | { kind: 'layer'; spec: LayerSpec }
  | { kind: 'sequence'; items: ModuleValue[] }
  | { kind: 'list'; items: ModuleValue[] }
  | { kind: 'dict'; items: Map<string, ModuleValue> }
  | { kind: 'identity' }
  | { kind: 'instance'; className: string; attributes: Map<string, Value>; forward?: PyNode; scope: Scope }
  | { kind: 'opaque'; why: string; range: Range };

export type Value = { kind: 'constant'; value: PyValue } | { kind: 'module'; module: ModuleValue } | { kind: 'unknown'; why: string };

/** A note that some code was not understood, shown once as an info diagnostic where it is written. */
export interface Note {
  range: Range;
  message: string;
}

/** What the reading of one file needs everywhere: its text, its module classes, where notes go. */
export interface Program {
  src: SourceText;
  /** Module classes (nn.Module subclasses) by name, this file's and earlier cells'. */
  classes: Map<string, { node: PyNode; scope: Scope }>;
  notes: Note[];
  /** Instantiation depth guard (a class that builds itself). */
  depth: number;
}

/** Names in a Python scope: values already computed, or module-level expressions computed on first use. */
export class Scope implements NameLookup {
  private readonly values = new Map<string, Value | { lazy: PyNode; src: SourceText }>();
  private readonly evaluating = new Set<string>();

  constructor(
    readonly program: Program,
    readonly src: SourceText,
    private readonly parent?: Scope,
    /** `self` inside a method: its attributes. */
    readonly self?: Map<string, Value>,
  ) {}

  set(name: string, value: Value): void {
    this.values.set(name, value);
  }

  setLazy(name: string, node: PyNode, src: SourceText): void {
    this.values.set(name, { lazy: node, src });
  }

  lookup(name: string): Value | undefined {
    const v = this.values.get(name);
    if (!v) return this.parent?.lookup(name);
    if ('kind' in v) return v;
    if (this.evaluating.has(name)) return { kind: 'unknown', why: `\`${name}\` is defined in terms of itself` };
    this.evaluating.add(name);
    const value = evaluateValue(v.lazy, new Scope(this.program, v.src, this));
    this.evaluating.delete(name);
    this.values.set(name, value);
    return value;
  }

  constant(name: string): Known<PyValue> | undefined {
    const v = this.lookup(name);
    if (!v) return undefined;
    if (v.kind === 'constant') return v.value;
    return { unknown: v.kind === 'unknown' ? v.why : `\`${name}\` is a module, not a number` };
  }
}

/** The value of an expression: a module it builds, else a constant, else unknown with the reason. */
export function evaluateValue(node: PyNode, scope: Scope): Value {
  const n = unwrap(node);
  if (n.type === 'call') {
    const module = readModuleCall(n, scope);
    if (module) return { kind: 'module', module };
  }
  if (n.type === 'identifier') return scope.lookup(n.text) ?? { kind: 'unknown', why: `\`${n.text}\` has no value CNN Lab can read without running the code` };
  if (n.type === 'attribute' || n.type === 'subscript') {
    const module = moduleReference(n, scope);
    if (module) return { kind: 'module', module };
  }
  const c = evaluateConstant(n, scope);
  return isUnknown(c) ? { kind: 'unknown', why: c.unknown } : { kind: 'constant', value: c };
}

/**
 * `self.conv1`, `self.blocks[0]`, `self.layer1["0"].conv1`, `self[2]` (a model that is an nn.Sequential or
 * nn.ModuleDict itself): a module held by the instance; undefined when the expression is not one.
 */
export function moduleReference(node: PyNode, scope: Scope): ModuleValue | undefined {
  const n = unwrap(node);
  if (n.type === 'identifier') {
    const v = scope.lookup(n.text);
    return v?.kind === 'module' ? v.module : undefined;
  }
  if (n.type === 'attribute') {
    const object = unwrap(field(n, 'object')!);
    const name = field(n, 'attribute')!.text;
    if (object.type === 'identifier' && object.text === 'self') return scope.self ? selfMember(scope, n, name) : undefined;
    const holder = moduleReference(object, scope);
    if (!holder || holder.kind === 'opaque') return holder;
    const member = holder.kind === 'dict' ? holder.items.get(name) : undefined;
    return member ?? { kind: 'opaque', why: `\`${short(n)}\` is no module CNN Lab can find`, range: rangeOf(scope.src, n) };
  }
  if (n.type === 'subscript') {
    const index = evaluateConstant(field(n, 'subscript')!, scope);
    const object = unwrap(field(n, 'value')!);
    // A model that is itself an nn.Sequential / nn.ModuleDict keeps its members under their names ('0', 'conv').
    if (object.type === 'identifier' && object.text === 'self' && scope.self && (typeof index === 'number' || typeof index === 'string')) return selfMember(scope, n, String(index));
    const list = moduleReference(object, scope);
    if (!list || list.kind === 'opaque') return list;
    if (list.kind === 'dict' && typeof index === 'string' && list.items.has(index)) return list.items.get(index);
    const items = list.kind === 'list' || list.kind === 'sequence' ? list.items : undefined;
    if (!items || typeof index !== 'number' || !Number.isInteger(index) || index >= items.length || index < -items.length) {
      return { kind: 'opaque', why: `\`${short(n)}\` picks a module CNN Lab cannot tell without running the code`, range: rangeOf(scope.src, n) };
    }
    return items[index < 0 ? items.length + index : index];
  }
  return undefined;
}

function selfMember(scope: Scope, n: PyNode, name: string): ModuleValue {
  const v = scope.self!.get(name);
  if (!v) return { kind: 'opaque', why: `\`${n.text}\` is not assigned in __init__`, range: rangeOf(scope.src, n) };
  return v.kind === 'module' ? v.module : { kind: 'opaque', why: v.kind === 'unknown' ? v.why : `\`${n.text}\` is not a module`, range: rangeOf(scope.src, n) };
}

const CONTAINERS = new Set(['Sequential', 'ModuleList']);

/** nn.Sequential(…), nn.ModuleList([…]), nn.Identity(), a torch.nn layer or a module class of the file; else undefined. */
export function readModuleCall(call: PyNode, scope: Scope): ModuleValue | undefined {
  const parts = callParts(call);
  const path = parts && dottedName(parts.callee);
  if (!parts || !path) return undefined;
  const name = path[path.length - 1];
  const fromTorch = path.length === 1 || path.includes('nn');
  const range = rangeOf(scope.src, call);
  if (fromTorch && CONTAINERS.has(name)) {
    if (parts.splat) return { kind: 'opaque', why: `\`${short(parts.splat)}\` unpacks a list built when the code runs`, range };
    const items = containerItems(name, parts.positional, scope);
    return 'why' in items ? { kind: 'opaque', why: items.why, range } : { kind: name === 'Sequential' ? 'sequence' : 'list', items };
  }
  if (fromTorch && name === 'ModuleDict') {
    const items = dictItems(parts.positional[0], scope);
    return 'why' in items ? { kind: 'opaque', why: items.why, range } : { kind: 'dict', items };
  }
  if (fromTorch && name === 'Identity') return { kind: 'identity' };
  if (path.length === 1 && scope.program.classes.has(name)) return instantiate(name, call, scope);
  if (/^[A-Z]/.test(name) && (path.includes('nn') || lookupLayerType(name) || TORCH_NN_MODULES.has(name))) {
    return { kind: 'layer', spec: layerSpec(name, call, scope) };
  }
  return undefined;
}

/** nn.ModuleDict({"name": module, …}): the modules by name (a dict literal with string keys). */
export function dictItems(node: PyNode | undefined, scope: Scope): Map<string, ModuleValue> | { why: string } {
  const items = new Map<string, ModuleValue>();
  if (!node) return items;
  const dict = unwrap(node);
  if (dict.type !== 'dictionary') return { why: `the ModuleDict is built from \`${short(dict)}\`, known only when the code runs` };
  for (const pair of named(dict)) {
    const key = pair.type === 'pair' ? evaluateConstant(field(pair, 'key')!, scope) : undefined;
    if (typeof key !== 'string') return { why: `\`${short(pair)}\` is not a "name": module pair` };
    const v = evaluateValue(field(pair, 'value')!, scope);
    if (v.kind !== 'module') return { why: v.kind === 'unknown' ? v.why : `\`${short(pair)}\` is not a module` };
    items.set(key, v.module);
  }
  return items;
}

export function containerItems(kind: string, positional: PyNode[], scope: Scope): ModuleValue[] | { why: string } {
  let nodes = positional;
  if (kind === 'ModuleList') {
    const list = positional[0] && unwrap(positional[0]);
    if (!list) return [];
    if (list.type !== 'list' && list.type !== 'tuple') return { why: `the ModuleList is built from \`${short(list)}\`, known only when the code runs` };
    nodes = named(list);
  } else if (positional.length === 1 && unwrap(positional[0]).type === 'call' && dottedName(field(unwrap(positional[0]), 'function'))?.at(-1) === 'OrderedDict') {
    const pairs = named(field(unwrap(positional[0]), 'arguments')).map(unwrap)[0];
    if (!pairs || (pairs.type !== 'list' && pairs.type !== 'tuple')) return { why: 'the OrderedDict is not written as a list of (name, module) pairs' };
    nodes = [];
    for (const pair of named(pairs).map(unwrap)) {
      const parts = named(pair);
      if (pair.type !== 'tuple' || parts.length !== 2) return { why: `\`${short(pair)}\` is not a (name, module) pair` };
      nodes.push(parts[1]);
    }
  }
  const items: ModuleValue[] = [];
  for (const node of nodes) {
    const v = evaluateValue(node, scope);
    if (v.kind !== 'module') return { why: v.kind === 'unknown' ? v.why : `\`${short(node)}\` is not a module` };
    items.push(v.module);
  }
  return items;
}

/**
 * A torch.nn layer call as the core's LayerSpec: values computed, ranges in the Python text. For a functional
 * call (`F.max_pool2d(x, 2)`) the tensor (first argument) is skipped, and so are the keywords modules do not take.
 */
export function layerSpec(name: string, call: PyNode, scope: Scope, functional?: { dropKeywords: ReadonlySet<string> }): LayerSpec {
  const all = callParts(call)!;
  const parts = functional
    ? { ...all, positional: all.positional.slice(1), keywords: all.keywords.filter((k) => !functional.dropKeywords.has(k.name)) }
    : all;
  const signature = lookupLayerType(name) ? LAYER_CATALOG[lookupLayerType(name)!].args : [];
  const args: ArgSpec[] = [];
  const unreadable: string[] = [];
  const src = scope.src;
  // With a value unknown, later positional arguments are bound by name so they keep their place.
  const values = parts.positional.map((p) => evaluateConstant(p, scope));
  const byName = values.some(isUnknown);
  parts.positional.forEach((node, i) => {
    const argName = byName ? signature[i]?.name : undefined;
    pushArg(args, unreadable, values[i], node, argName, undefined, scope);
    if (byName && !argName) unreadable.push(`#${i + 1}`);
  });
  for (const k of parts.keywords) pushArg(args, unreadable, evaluateConstant(k.value, scope), k.value, k.name, k.nameNode, scope);
  if (parts.splat) {
    unreadable.push('**');
    scope.program.notes.push({ range: rangeOf(src, parts.splat), message: `Shapes stop here: \`${short(parts.splat)}\` passes arguments known only when the code runs` });
  }
  const spec: LayerSpec = {
    kind: 'layer', name, nameRange: rangeOf(src, lastNameNode(parts.callee)), args, range: rangeOf(src, call), form: 'call',
  };
  if (unreadable.length) spec.unreadable = unreadable;
  return spec;
}

function pushArg(args: ArgSpec[], unreadable: string[], value: Known<PyValue>, node: PyNode, name: string | undefined, nameNode: PyNode | undefined, scope: Scope): void {
  if (isUnknown(value)) {
    unreadable.push(name ?? '?');
    scope.program.notes.push({ range: rangeOf(scope.src, node), message: `Shapes stop here: ${value.unknown}` });
    return;
  }
  args.push({ ...(name ? { name } : {}), ...(nameNode ? { nameRange: rangeOf(scope.src, nameNode) } : {}), value, valueRange: rangeOf(scope.src, node) });
}

/** A module class of the file built with these arguments: its __init__ run statically (see initBody). */
function instantiate(className: string, call: PyNode, caller: Scope): ModuleValue {
  const cls = caller.program.classes.get(className)!;
  const range = rangeOf(caller.src, call);
  if (caller.program.depth > 8) return { kind: 'opaque', why: `${className} builds modules more than 8 levels deep`, range };
  caller.program.depth++;
  try {
    return runInit(className, cls.node, cls.scope, callParts(call)!, caller);
  } finally {
    caller.program.depth--;
  }
}


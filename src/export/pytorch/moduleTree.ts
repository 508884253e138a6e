/**
 * model.py's modules, nested as PyTorch names them (ResolvedLayer.module: `conv1`, `layer1.0.bn1`, `features.3`),
 * so the module's state_dict keys are the model file's (torchvision's for a zoo model) and torchvision's weight files
 * load into it key for key. A container whose children are numbered 0…n−1 is an nn.Sequential, any other an
 * nn.ModuleDict; the Model class itself is an nn.Sequential, an nn.ModuleDict or (all children valid Python names)
 * a plain nn.Module with attributes, as torchvision writes its models.
 *
 * Layers without weights may share a name (torchvision's ResNet calls one `relu` several times): one module serves
 * them all when they are the same call, and one whose name is taken otherwise gets a free one; in a container that
 * is no nn.Sequential, a numbered one is named for its type (`flatten`), which reads better. No state_dict key depends
 * on these names. Layers with weights have unique names (the core reports duplicates, stateKeys.ts).
 */
import type { ResolvedLayer } from '../../model/types';
import { ExportError } from '../format';

export interface ModuleLeaf {
  kind: 'leaf';
  weighted: boolean;
  type: string;
  /** The layer's constructor, e.g. `nn.Conv2d(3, 64, 7, …)`. */
  call: string;
  /** The first layer (in file order) this module is. */
  first: number;
}

export interface ModuleContainer {
  kind: 'container';
  children: Map<string, ModuleNode>;
  first: number;
}

export type ModuleNode = ModuleLeaf | ModuleContainer;

/** How a container is written and how its children are reached. */
export type ContainerStyle = 'sequential' | 'dict' | 'attributes';

export interface ModuleTree {
  root: ModuleContainer;
  /** Each layer's containers from the root, and its leaf. */
  paths: Map<ResolvedLayer, { containers: ModuleContainer[]; leaf: ModuleLeaf }>;
}

const PY_KEYWORDS = new Set(('False None True and as assert async await break class continue def del elif else except finally for from '
  + 'global if import in is lambda nonlocal not or pass raise return try while with yield').split(' '));

export function isPyIdentifier(name: string): boolean {
  return /^[A-Za-z_]\w*$/.test(name) && !PY_KEYWORDS.has(name);
}

/** The tree of `layers` (file order), each layer's module built by `call`. */
export function moduleTree(layers: readonly ResolvedLayer[], call: (l: ResolvedLayer) => string): ModuleTree {
  const root: ModuleContainer = { kind: 'container', children: new Map(), first: 0 };
  const paths: ModuleTree['paths'] = new Map();
  const weighted = (l: ResolvedLayer) => l.params + l.buffers > 0;
  // Layers with weights first: their names are state_dict keys and must be exactly theirs.
  for (const layer of [...layers.filter(weighted), ...layers.filter((l) => !weighted(l))]) {
    const names = layer.module.split('.');
    const own = call(layer);
    const clash = () => new ExportError(`${layer.type} at line ${layer.range.start.line + 1}: its module name ${layer.module} is also a block's or a layer's, which PyTorch cannot hold; rename one of them`);
    const containers = [root];
    let at = root;
    let depth = 0;
    for (; depth < names.length - 1; depth++) {
      const next = at.children.get(names[depth]);
      if (next?.kind === 'leaf') break;
      if (!next) at.children.set(names[depth], { kind: 'container', children: new Map(), first: layer.index });
      at = at.children.get(names[depth]) as ModuleContainer;
      at.first = Math.min(at.first, layer.index);
      containers.push(at);
    }
    if (depth < names.length - 1 && weighted(layer)) throw clash();
    const wanted = names.slice(depth).join('_');
    let there = at.children.get(wanted);
    if (there && !(there.kind === 'leaf' && there.call === own && !weighted(layer))) {
      if (weighted(layer)) throw clash();
      there = undefined;
    }
    const leaf: ModuleLeaf = there?.kind === 'leaf' ? there : { kind: 'leaf', weighted: weighted(layer), type: layer.type, call: own, first: layer.index };
    if (!there) at.children.set(freeName(at, wanted), leaf);
    paths.set(layer, { containers, leaf });
  }
  tidy(root);
  return { root, paths };
}

function freeName(at: ModuleContainer, wanted: string): string {
  let name = wanted;
  for (let n = 2; at.children.has(name); n++) name = `${wanted}_${n}`;
  return name;
}

/** Children in file order (the order of their first layers, as the state_dict lists them); numbered leaves without weights renamed for their type outside nn.Sequential. */
function tidy(node: ModuleContainer): void {
  const sorted = [...node.children].sort((a, b) => a[1].first - b[1].first);
  node.children = new Map(sorted);
  if (containerStyle(node, false) !== 'sequential') {
    node.children = new Map();
    for (const [name, child] of sorted) {
      const plain = child.kind === 'leaf' && !child.weighted && !isPyIdentifier(name);
      node.children.set(plain ? freeName(node, snakeCase((child as ModuleLeaf).type)) : name, child);
    }
  }
  for (const child of node.children.values()) if (child.kind === 'container') tidy(child);
}

/** `AdaptiveAvgPool2d` → `adaptive_avg_pool2d`. */
function snakeCase(type: string): string {
  return type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

export function containerStyle(node: ModuleContainer, isRoot: boolean): ContainerStyle {
  const names = [...node.children.keys()];
  if (names.every((n, i) => n === String(i))) return 'sequential';
  return isRoot && names.every(isPyIdentifier) ? 'attributes' : 'dict';
}

/** The Python expression reaching a layer's module from `self`. */
export function moduleAccess(tree: ModuleTree, layer: ResolvedLayer): string {
  const { containers, leaf } = tree.paths.get(layer)!;
  return containers.reduce((expression, node, depth) => {
    const child = containers[depth + 1] ?? leaf;
    const name = [...node.children].find(([, c]) => c === child)![0];
    const style = containerStyle(node, depth === 0);
    return expression + (style === 'sequential' ? `[${name}]` : isPyIdentifier(name) ? `.${name}` : `[${JSON.stringify(name)}]`);
  }, 'self');
}

/** The constructor of a nested container (or leaf), indented for __init__. */
export function moduleConstructor(node: ModuleNode, indent: string): string {
  if (node.kind === 'leaf') return node.call;
  const inner = `${indent}    `;
  const items = [...node.children].map(([name, child]) => (containerStyle(node, false) === 'sequential' ? '' : `${JSON.stringify(name)}: `) + moduleConstructor(child, inner));
  return containerStyle(node, false) === 'sequential'
    ? `nn.Sequential(\n${items.map((i) => `${inner}${i},\n`).join('')}${indent})`
    : `nn.ModuleDict({\n${items.map((i) => `${inner}${i},\n`).join('')}${indent}})`;
}

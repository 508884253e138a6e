/** Small readers over tree-sitter's Python syntax tree: dotted names, call parts, source ranges. */
import type { SourceText } from '../model/parse/sourceText';
import type { Range } from '../model/types';
import type { PyNode } from './parser';

/** The named children of a node (tree-sitter types them as possibly null). */
export function named(node: PyNode | null | undefined): PyNode[] {
  return node ? (node.namedChildren.filter((c) => c !== null && c.type !== 'comment') as PyNode[]) : [];
}

export function field(node: PyNode, name: string): PyNode | undefined {
  return node.childForFieldName(name) ?? undefined;
}

/** `torch.nn.Conv2d` → ['torch', 'nn', 'Conv2d']; undefined for anything but names and attributes of names. */
export function dottedName(node: PyNode | undefined): string[] | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return [node.text];
  if (node.type !== 'attribute') return undefined;
  const object = dottedName(field(node, 'object'));
  const attr = field(node, 'attribute');
  return object && attr ? [...object, attr.text] : undefined;
}

/** The identifier that ends a dotted callee (what a hover or a rename points at). */
export function lastNameNode(node: PyNode): PyNode {
  return node.type === 'attribute' ? (field(node, 'attribute') ?? node) : node;
}

export interface CallParts {
  callee: PyNode;
  /** Positional arguments, in order. */
  positional: PyNode[];
  keywords: Array<{ name: string; nameNode: PyNode; value: PyNode }>;
  /** `*args` / `**kwargs`: the call cannot be bound statically. */
  splat?: PyNode;
}

export function callParts(call: PyNode): CallParts | undefined {
  const callee = field(call, 'function');
  const args = field(call, 'arguments');
  if (!callee || !args || args.type !== 'argument_list') return undefined;
  const parts: CallParts = { callee, positional: [], keywords: [] };
  for (const a of named(args)) {
    if (a.type === 'keyword_argument') {
      const nameNode = field(a, 'name');
      const value = field(a, 'value');
      if (nameNode && value) parts.keywords.push({ name: nameNode.text, nameNode, value });
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') parts.splat ??= a;
    else parts.positional.push(a);
  }
  return parts;
}

/** Strips redundant parentheses: `(x)` → x. */
export function unwrap(node: PyNode): PyNode {
  let n = node;
  while (n.type === 'parenthesized_expression' && named(n).length === 1) n = named(n)[0];
  return n;
}

export function rangeOf(src: SourceText, node: PyNode): Range {
  return src.range(node.startIndex, node.endIndex);
}

/** The statements of a block (a class or function body). */
export function statements(block: PyNode | undefined): PyNode[] {
  return named(block);
}

/** `def name(...)` directly in a class body (decorated ones too). */
export function methodOf(classNode: PyNode, name: string): PyNode | undefined {
  for (const s of statements(field(classNode, 'body'))) {
    const def = s.type === 'decorated_definition' ? field(s, 'definition') : s;
    if (def?.type === 'function_definition' && field(def, 'name')?.text === name) return def;
  }
  return undefined;
}

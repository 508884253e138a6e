/**
 * The model definitions of a Python file or notebook cell: nn.Module subclasses with a forward, and
 * nn.Sequential(…) expressions assigned or returned at the top level (or in a top-level function). Nested
 * Sequentials belong to the definition around them.
 */
import type { SourceText } from '../model/parse/sourceText';
import type { Range } from '../model/types';
import { isModuleClass } from './moduleClass';
import type { PyNode } from './parser';
import { dottedName, field, methodOf, named, rangeOf, statements, unwrap } from './syntax';

export interface ModelDefinition {
  kind: 'class' | 'sequential';
  /** The class name, or the variable the Sequential is assigned to (`model`). */
  name: string;
  /** The class_definition, or the nn.Sequential call. */
  node: PyNode;
  /** Class name / assigned variable: where CodeLenses and the missing-input hint go. */
  nameRange: Range;
  /** The whole statement: hints and layers inside it belong to this model. */
  range: Range;
  /** First line of the statement (decorators included): the input comment goes above it. */
  firstLine: number;
  /** Whether the class can be built without arguments (a dataset's input then applies to it). */
  standalone: boolean;
}

/** Module classes by name (for blocks used by other classes), in file order. */
export function moduleClasses(tree: PyNode, known: Set<string>): PyNode[] {
  const found: PyNode[] = [];
  for (const s of named(tree)) {
    const cls = s.type === 'decorated_definition' ? field(s, 'definition') : s;
    if (cls?.type !== 'class_definition') continue;
    if (isModuleClass(cls, (n) => known.has(n))) {
      found.push(cls);
      known.add(field(cls, 'name')!.text);
    }
  }
  return found;
}

export function findModels(tree: PyNode, src: SourceText, classes: PyNode[]): ModelDefinition[] {
  const models: ModelDefinition[] = [];
  const used = instantiatedClasses(classes);
  for (const cls of classes) {
    if (!methodOf(cls, 'forward')) continue;
    const statement = cls.parent?.type === 'decorated_definition' ? cls.parent : cls;
    const init = methodOf(cls, '__init__');
    const params = named(field(init ?? cls, 'parameters')).slice(1);
    const standalone = !used.has(field(cls, 'name')!.text) && params.every((p) => p.type !== 'identifier' && p.type !== 'typed_parameter');
    models.push({
      kind: 'class', name: field(cls, 'name')!.text, node: cls, nameRange: rangeOf(src, field(cls, 'name')!), range: rangeOf(src, statement),
      firstLine: statement.startPosition.row, standalone,
    });
  }
  for (const s of named(tree)) {
    for (const { call, target, statement } of topLevelSequentials(s)) {
      models.push({
        kind: 'sequential', name: target?.text ?? 'model', node: call, nameRange: rangeOf(src, target ?? field(call, 'function')!), range: rangeOf(src, statement),
        firstLine: statement.startPosition.row, standalone: true,
      });
    }
  }
  return models.sort((a, b) => a.firstLine - b.firstLine);
}

function isSequentialCall(node: PyNode | undefined): node is PyNode {
  return node?.type === 'call' && dottedName(field(node, 'function'))?.at(-1) === 'Sequential';
}

/** `model = nn.Sequential(…)`, a bare `nn.Sequential(…)`, and `return nn.Sequential(…)` in a top-level function. */
function topLevelSequentials(s: PyNode): Array<{ call: PyNode; target?: PyNode; statement: PyNode }> {
  if (s.type === 'expression_statement') {
    const e = unwrap(named(s)[0]);
    if (e.type === 'assignment') {
      const right = field(e, 'right') && unwrap(field(e, 'right')!);
      const target = field(e, 'left');
      return isSequentialCall(right) ? [{ call: right, target: target?.type === 'identifier' ? target : undefined, statement: s }] : [];
    }
    return isSequentialCall(e) ? [{ call: e, statement: s }] : [];
  }
  const def = s.type === 'decorated_definition' ? field(s, 'definition') : s;
  if (def?.type !== 'function_definition') return [];
  return statements(field(def, 'body'))
    .filter((r) => r.type === 'return_statement' && isSequentialCall(unwrap(named(r)[0] ?? r)))
    .map((r) => ({ call: unwrap(named(r)[0]), target: field(def, 'name'), statement: r }));
}

/** Classes that another class of the file builds (blocks): a dataset's input is not theirs. */
function instantiatedClasses(classes: PyNode[]): Set<string> {
  const names = new Set(classes.map((c) => field(c, 'name')!.text));
  const used = new Set<string>();
  for (const cls of classes) {
    for (const call of cls.descendantsOfType('call')) {
      const path = call && dottedName(field(call, 'function')!);
      if (path?.length === 1 && names.has(path[0]) && path[0] !== field(cls, 'name')!.text) used.add(path[0]);
    }
  }
  return used;
}

/**
 * A module class built statically: its `__init__` runs over known values (the call's arguments, parameter
 * defaults, module constants) and records what each `self.name = …` holds. `if` statements whose condition is
 * known take their branch (a ResNet block's projection shortcut); attributes set in loops or under unknown
 * conditions are recorded as unknown, with the reason.
 */
import { evaluateConstant, isUnknown, short } from './constants';
import { containerItems, dictItems, evaluateValue, Scope, type ModuleValue, type Value } from './moduleValues';
import type { PyNode } from './parser';
import { callParts, dottedName, field, methodOf, named, statements, unwrap, type CallParts } from './syntax';

/** torch.nn base classes of a model class: nn.Module, or a container it fills through super().__init__(…). */
const MODULE_BASES = new Set(['Module', 'Sequential', 'ModuleDict']);

/** Module base classes a model class derives from. */
export function isModuleClass(classNode: PyNode, known: (name: string) => boolean): boolean {
  return baseNames(classNode).some((path) => MODULE_BASES.has(path[path.length - 1]) || (path.length === 1 && known(path[0])));
}

function baseNames(classNode: PyNode): string[][] {
  return named(field(classNode, 'superclasses')).map((b) => dottedName(b)).filter((p): p is string[] => p !== undefined);
}

export function runInit(className: string, classNode: PyNode, moduleScope: Scope, call: CallParts | undefined, caller: Scope | undefined): ModuleValue {
  const attributes = new Map<string, Value>();
  const scope = new Scope(moduleScope.program, moduleScope.src, moduleScope, attributes);
  const init = methodOf(classNode, '__init__');
  if (init) {
    bindParameters(`${className}.__init__`, init, scope, call, caller, 1);
    const container = baseNames(classNode).map((p) => p[p.length - 1]).find((b) => b === 'Sequential' || b === 'ModuleDict');
    runBlock(statements(field(init, 'body')), scope, attributes, container);
  }
  return { kind: 'instance', className, attributes, forward: methodOf(classNode, 'forward'), scope };
}

/**
 * A function's parameters (after the first `skip`, e.g. self): the call's arguments (evaluated where the call is),
 * else defaults, else unknown.
 */
export function bindParameters(label: string, def: PyNode, scope: Scope, call: CallParts | undefined, caller: Scope | undefined, skip: number): void {
  const params = named(field(def, 'parameters')).slice(skip);
  let position = 0;
  for (const p of params) {
    const nameNode = p.type === 'identifier' ? p : field(p, 'name') ?? named(p)[0];
    const name = nameNode?.text;
    if (!name || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') continue;
    const keyword = call?.keywords.find((k) => k.name === name);
    const positional = !keyword && call ? call.positional[position++] : undefined;
    const given = keyword?.value ?? positional;
    const fallback = field(p, 'value');
    if (given && caller) scope.set(name, evaluateValue(given, caller));
    else if (fallback) scope.set(name, evaluateValue(fallback, scope));
    else scope.set(name, { kind: 'unknown', why: `\`${name}\` is a parameter of ${label} with no default: its value is known only when it is called` });
  }
}

function runBlock(body: PyNode[], scope: Scope, self: Map<string, Value>, container?: string): void {
  for (const s of body) runStatement(s, scope, self, container);
}

function runStatement(s: PyNode, scope: Scope, self: Map<string, Value>, container?: string): void {
  if (s.type === 'expression_statement') {
    const e = named(s)[0];
    if (e?.type === 'call' && container && isSuperInit(e)) superInit(e, scope, self, container);
    else if (e?.type === 'assignment') assign(e, scope, self);
    else if (e?.type === 'augmented_assignment') {
      const target = field(e, 'left');
      if (target) forget(target, scope, self, `\`${short(e)}\` changes it in place`);
    }
    return;
  }
  if (s.type === 'if_statement') {
    runIf(s, scope, self);
    return;
  }
  // Loops, with, try: what they assign depends on running them.
  if (['for_statement', 'while_statement', 'with_statement', 'try_statement'].includes(s.type)) {
    const why = `it is built in a \`${s.type.replace('_statement', '')}\` block of __init__ (CNN Lab does not run loops)`;
    for (const a of s.descendantsOfType(['assignment', 'augmented_assignment'])) {
      const t = a && field(a, 'left');
      if (t) forget(t, scope, self, why);
    }
  }
}

/** `super().__init__(…)`. */
function isSuperInit(call: PyNode): boolean {
  const f = field(call, 'function');
  const object = f?.type === 'attribute' ? field(f, 'object') : undefined;
  return field(f!, 'attribute')?.text === '__init__' && object?.type === 'call' && field(object, 'function')?.text === 'super';
}

/** A class deriving from nn.Sequential / nn.ModuleDict: the members super().__init__(…) gives it, by name ('0', 'conv'). */
function superInit(call: PyNode, scope: Scope, self: Map<string, Value>, container: string): void {
  const parts = callParts(call);
  if (!parts) return;
  const members = container === 'ModuleDict' ? dictItems(parts.positional[0], scope) : containerItems('Sequential', parts.positional, scope);
  if ('why' in members) return;
  for (const [name, module] of members instanceof Map ? members : members.entries()) self.set(String(name), { kind: 'module', module });
}

function assign(e: PyNode, scope: Scope, self: Map<string, Value>): void {
  const target = field(e, 'left');
  const right = field(e, 'right');
  if (!target || !right) return;
  const t = unwrap(target);
  if (t.type === 'pattern_list' || t.type === 'tuple_pattern' || t.type === 'tuple') {
    forget(t, scope, self, `\`${short(e)}\` unpacks values CNN Lab does not follow`);
    return;
  }
  const value = evaluateValue(right, scope);
  setTarget(t, value, scope, self);
}

function setTarget(t: PyNode, value: Value, scope: Scope, self: Map<string, Value>): void {
  const path = dottedName(t);
  if (t.type === 'identifier') scope.set(t.text, value);
  else if (path?.length === 2 && path[0] === 'self') self.set(path[1], value);
}

/** Everything `node` assigns becomes unknown, with the reason. */
function forget(node: PyNode, scope: Scope, self: Map<string, Value>, why: string): void {
  const targets = node.type === 'identifier' || node.type === 'attribute' ? [node] : named(node);
  for (const t of targets) setTarget(t, { kind: 'unknown', why }, scope, self);
}

function runIf(s: PyNode, scope: Scope, self: Map<string, Value>): void {
  const branches: Array<{ condition?: PyNode; body: PyNode[] }> = [{ condition: field(s, 'condition'), body: statements(field(s, 'consequence')) }];
  for (const alt of s.childrenForFieldName('alternative')) {
    if (!alt) continue;
    branches.push({ condition: alt.type === 'elif_clause' ? field(alt, 'condition') : undefined, body: statements(field(alt, 'body') ?? alt) });
  }
  for (const b of branches) {
    if (!b.condition) return runBlock(b.body, scope, self);
    const v = evaluateConstant(b.condition, scope);
    if (isUnknown(v)) {
      const why = `it is set under \`if ${short(b.condition)}\`, which CNN Lab cannot decide without running the code (${v.unknown})`;
      for (const rest of branches) for (const st of rest.body) {
        for (const a of st.descendantsOfType('assignment')) {
          const t = a && field(a, 'left');
          if (t) forget(t, scope, self, why);
        }
      }
      return;
    }
    if (Array.isArray(v) ? v.length : v) return runBlock(b.body, scope, self);
  }
}

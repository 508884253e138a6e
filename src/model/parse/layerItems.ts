/**
 * Reads the `layers:` list into ItemSpecs: call syntax (`Conv2d(1, 16, 3)`), mapping form
 * (`conv2d: {out_channels: 16}`), bare names (`relu`), and the `repeat` / `residual` blocks. PyTorch code pasted
 * from a course is understood where it can be: a `nn.Sequential(...)` block gives its layers, and `forward()`
 * habits (`F.relu(x)`, `x.view(-1, 800)`) the layers they stand for, each with a warning and a fix.
 */
import { Scalar, type YAMLMap } from 'yaml';
import type { DiagnosticSink } from '../diagnostics';
import type { ArgSpec, ItemSpec, LayerSpec, MergeOp, NameRef, Wiring } from '../spec';
import type { Range } from '../types';
import { lookupLayerType } from '../layers/catalog';
import { isGraphName, MERGE_OPS, parseMergeCall, splitWiring } from './graphSyntax';
import { parseCall, type Span } from './pyCall';
import { recognizeMergeHabit, type MergeHabit } from './mergeHabits';
import { recognizeHabit, splitArguments } from './pythonHabits';
import type { SourceText } from './sourceText';
import { entries, findPair, isMap, isScalar, isSeq, nodeRange, toPyValue } from './yamlNodes';

/** Guards against `times: 1e9` freezing the editor. */
export const MAX_REPEAT = 1000;

/** `nn.Sequential(` (or `torch.nn.Sequential(`, `Sequential(`) opening a pasted block. */
const SEQUENTIAL = /^\s*((?:torch\.)?(?:nn\.)?Sequential)\s*\(/;

/** Keys that are item kinds rather than module names. */
const ITEM_KEYS = new Set<string>(['repeat', 'residual', ...MERGE_OPS]);

/**
 * `key: value` names a module (`conv1: Conv2d(…)`, `layer1: [...]`, `"0": {residual: …}`) unless the key is a layer
 * type or an item kind, whose mapping form (`conv2d: {out_channels: 16}`) keeps its meaning.
 */
function isModuleKey(key: string, value: unknown): boolean {
  if (ITEM_KEYS.has(key)) return false;
  // torchvision names modules after their layer (`relu: ReLU(inplace=True)`): a call as the value is a named layer.
  if (lookupLayerType(key)) return isScalar(value) && typeof value.value === 'string' && /^\s*[A-Za-z_][\w.]*\s*\(|=/.test(value.value);
  if (isSeq(value)) return true;
  if (isScalar(value)) return typeof value.value === 'string';
  if (!isMap(value)) return false;
  const inner = entries(value);
  return inner.length === 1 && ITEM_KEYS.has(inner[0].key);
}

/** A module name: PyTorch attribute names or Sequential indices, dotted (`downsample.0`). */
function isModuleName(key: string): boolean {
  return /^[A-Za-z_0-9]+(\.[A-Za-z_0-9]+)*$/.test(key);
}

/** A layer read from replacement text: its name and arguments are reported on the original statement. */
function withRange(spec: LayerSpec, range: Range): LayerSpec {
  return { ...spec, nameRange: range, args: spec.args.map((a) => ({ ...a, nameRange: a.nameRange && range, valueRange: range })) };
}

function rangeOf(node: unknown): { start: number; end: number } {
  const r = (node as { range?: [number, number, number] }).range ?? [0, 0, 0];
  return { start: r[0], end: r[1] };
}

export class LayerItemReader {
  constructor(
    private readonly src: SourceText,
    private readonly sink: DiagnosticSink,
  ) {}

  /** A YAML sequence of items (anything else is reported). */
  readList(node: unknown, fallback: Range): ItemSpec[] {
    if (isScalar(node) && typeof node.value === 'string' && SEQUENTIAL.test(node.value) && node.range) {
      // `layers: nn.Sequential(...)`: the block's layers, and a fix writing them as a list under the key.
      const indent = ' '.repeat(fallback.start.character + 2);
      return this.readSequential(node.range[0], node.range[1], (calls) => `\n${calls.map((c) => `${indent}- ${c}`).join('\n')}`);
    }
    if (!isSeq(node)) {
      const range = nodeRange(this.src, node, fallback);
      this.sink.error('layers-not-list', 'Expected a list of layers (each item starting with "- ")', range);
      return [];
    }
    const items: ItemSpec[] = [];
    const listRange = nodeRange(this.src, node, fallback);
    for (let i = 0; i < node.items.length; i++) {
      const item = node.items[i];
      // In a flow list `[Conv2d(1, 8, 3), relu]` YAML splits the call at its commas: join the pieces again.
      const last = node.flow && isScalar(item) ? this.closingPiece(node.items, i) : i;
      const specs = last > i ? this.readCallSource(rangeOf(item).start, rangeOf(node.items[last]).end) : this.readItem(item, listRange);
      i = last;
      items.push(...specs);
    }
    return items;
  }

  /** Index of the flow-list item that closes the parentheses opened in items[i] (i itself when balanced). */
  private closingPiece(items: unknown[], i: number): number {
    let depth = 0;
    for (let j = i; j < items.length; j++) {
      const item = items[j];
      if (!isScalar(item) || !item.range) return j === i ? i : j - 1;
      const text = this.src.text.slice(item.range[0], item.range[1]);
      depth += (text.match(/[([]/g)?.length ?? 0) - (text.match(/[)\]]/g)?.length ?? 0);
      if (depth <= 0) return j;
    }
    return items.length - 1;
  }

  private readItem(node: unknown, listRange: Range): ItemSpec[] {
    if (isScalar(node) && typeof node.value === 'string') return this.readCall(node);
    if (isSeq(node)) return [{ kind: 'block', body: this.readList(node, listRange), range: nodeRange(this.src, node, listRange) }];
    if (isMap(node)) {
      const spec = this.readMapping(node);
      return spec ? [spec] : [];
    }
    const range = nodeRange(this.src, node, listRange);
    this.sink.error('bad-layer-item', 'Expected a layer such as Conv2d(1, 16, 3), relu, or conv2d: {out_channels: 16}', range);
    return [];
  }

  /** Call syntax in a scalar: parse the source text itself so columns are exact. */
  private readCall(node: Scalar): ItemSpec[] {
    const [start, end] = node.range ?? [0, 0];
    if (node.type === Scalar.PLAIN || node.type === undefined) return this.readCallSource(start, end);
    return this.readCallText(String(node.value), start + 1, start, end);
  }

  private readCallSource(start: number, end: number): ItemSpec[] {
    const text = this.src.text.slice(start, end);
    if (SEQUENTIAL.test(text)) {
      // A list item `- nn.Sequential(...)`: its layers become items of this list (when the item has its own line).
      const indent = /^(\s*)-\s+$/.exec(this.src.lineText(this.src.position(start).line).slice(0, this.src.position(start).character))?.[1];
      return this.readSequential(start, end, indent === undefined ? undefined : (calls) => calls.join(`\n${indent}- `));
    }
    return this.readCallText(text, start, start, end);
  }

  /**
   * The layers of a pasted `nn.Sequential(a, b, …)` spanning [start, end), with a warning whose fix replaces the
   * block by `layout(calls)` (the calls as written, without the `nn.` prefix).
   */
  private readSequential(start: number, end: number, layout?: (calls: string[]) => string): ItemSpec[] {
    const text = this.src.text.slice(start, end);
    const open = SEQUENTIAL.exec(text) as RegExpExecArray;
    const nameStart = start + open[0].indexOf(open[1]);
    const close = text.lastIndexOf(')');
    const nameRange = this.src.range(nameStart, nameStart + open[1].length);
    if (close < open[0].length - 1 || text.slice(close + 1).trim()) {
      this.sink.error('syntax', `${open[1]}( is not closed: end the block with ')'`, nameRange);
      return [];
    }
    const inner = text.slice(open[0].length, close);
    const pieces = splitArguments(inner);
    const calls = pieces.map((p) => p.text.replace(/^(torch\.)?nn\./, '').replace(/\s*\n\s*/g, ' '));
    const fix = layout && calls.length ? [{ title: `Convert ${open[1]} to a layers: list`, range: this.src.range(start, end), newText: layout(calls) }] : undefined;
    this.sink.warning('nn-sequential', `${open[1]}(...) is PyTorch code: a model file lists its layers under layers:, one per line (read here as the ${pieces.length} layers it contains)`, nameRange, fix);
    const base = start + open[0].length;
    return pieces.flatMap((p) => this.readCallText(p.text, base + p.start, base + p.start, base + p.start + p.text.length));
  }

  /** `text` starts at offset `base` in the file; the item spans [start, end). */
  private readCallText(text: string, base: number, start: number, end: number): ItemSpec[] {
    const toRange = (s: Span) => this.src.range(base + s.start, base + s.end);
    const wiring = splitWiring(text);
    if (wiring.as || wiring.from) {
      const inner = text.slice(wiring.call.start, wiring.call.end);
      const as = wiring.as && { name: wiring.as.name, range: toRange(wiring.as.span) };
      const from = wiring.from && { name: wiring.from.name, range: toRange(wiring.from.span) };
      return this.readCallText(inner, base + wiring.call.start, start, end).map((item) => this.wired(item, { as, from }));
    }
    const merge = parseMergeCall(text);
    if (merge) {
      const inputs = merge.inputs.map((i) => ({ name: i.name, range: toRange(i.span) }));
      return this.merge(merge.op, toRange(merge.opSpan), inputs, this.src.range(start, end));
    }
    const mergeHabit = recognizeMergeHabit(text);
    if (mergeHabit) return this.readMergeHabit(mergeHabit, toRange, this.src.range(start, end));
    const habit = recognizeHabit(text);
    if (habit) {
      const habitRange = this.src.range(base + habit.span.start, base + habit.span.end);
      this.sink.warning('python-habit', habit.message, habitRange, [{ title: `Replace with ${habit.layerText}`, range: habitRange, newText: habit.layerText }]);
      // Read as the layer it stands for; every range points at the statement as written.
      return this.readCallText(habit.layerText, base, start, end).map((spec) => (spec.kind === 'layer' ? withRange(spec, habitRange) : spec));
    }
    const { call, error } = parseCall(text);
    if (!call) {
      this.sink.error('syntax', error ? error.message : 'Cannot parse layer', error ? toRange(error.span) : this.src.range(start, end));
      return [];
    }
    const args: ArgSpec[] = call.args.map((a) => ({
      name: a.name,
      nameRange: a.nameSpan && toRange(a.nameSpan),
      value: a.value,
      valueRange: toRange(a.valueSpan),
    }));
    const bare = !/\(/.test(text);
    return [{ kind: 'layer', name: call.name, nameRange: toRange(call.nameSpan), args, range: this.src.range(start, end), form: bare ? 'bare' : 'call' }];
  }

  private readMapping(map: YAMLMap): ItemSpec | undefined {
    const range = nodeRange(this.src, map);
    const all = entries(map);
    const pairs = all.filter((p) => p.key !== 'as' && p.key !== 'from');
    if (pairs.length !== 1) {
      this.sink.error('bad-layer-item', 'Each list item holds exactly one layer (or one repeat / residual block / merge), optionally with as: and from:', range);
      return undefined;
    }
    const wiring: Wiring = {};
    for (const { key, pair } of all) {
      if (key !== 'as' && key !== 'from') continue;
      const ref = this.nameRef(pair.value, nodeRange(this.src, pair.key), key);
      if (ref) wiring[key] = ref;
    }
    const { key, pair } = pairs[0];
    const keyRange = nodeRange(this.src, pair.key);
    if (isModuleKey(key, pair.value)) {
      const item = this.readNamedItem(pair.value, keyRange, range);
      if (!item) return undefined;
      if (!isModuleName(key)) {
        this.sink.error('bad-name', `'${key}' is not a module name (letters, digits and _, dotted like layer1.0.conv1)`, keyRange);
        return this.wired(item, wiring);
      }
      return this.wired(item, { ...wiring, module: { name: key, range: keyRange } });
    }
    const item = this.readMappingItem(key, pair.value, keyRange, range);
    return item && this.wired(item, wiring);
  }

  /** The value of `name: value`: a layer call, a list (a block) or a repeat / residual / merge mapping. */
  private readNamedItem(value: unknown, keyRange: Range, range: Range): ItemSpec | undefined {
    if (isSeq(value)) return { kind: 'block', body: this.readList(value, keyRange), range };
    if (isScalar(value)) {
      const items = this.readCall(value as Scalar);
      if (items.length === 1) return { ...items[0], range };
      if (items.length > 1) return { kind: 'block', body: items, range };
      return undefined;
    }
    const inner = entries(value as YAMLMap)[0];
    return this.readMappingItem(inner.key, inner.pair.value, nodeRange(this.src, inner.pair.key), range);
  }

  private readMappingItem(key: string, value: unknown, keyRange: Range, range: Range): ItemSpec | undefined {
    if (key === 'repeat') return this.readRepeat(value, keyRange, range);
    if (key === 'residual') return this.readResidual(value, keyRange, range);
    if ((MERGE_OPS as string[]).includes(key)) {
      const names = isSeq(value) ? value.items : [];
      const inputs = names.map((n) => this.nameRef(n, keyRange, key)).filter((r): r is NameRef => r !== undefined);
      if (!isSeq(value)) this.sink.error('bad-merge', `${key} needs a list of named outputs, e.g. ${key}: [up, skip]`, nodeRange(this.src, value, keyRange));
      else if (inputs.length === names.length) return this.merge(key as MergeOp, keyRange, inputs, range)[0];
      return undefined;
    }
    const unreadable: string[] = [];
    const args = this.mappingArgs(value, unreadable);
    const spec: LayerSpec = { kind: 'layer', name: key, nameRange: keyRange, args, range, form: 'mapping' };
    if (unreadable.length) spec.unreadable = unreadable;
    return spec;
  }

  /** A graph name written as a YAML value (`as: skip`, an input of `concat: [a, b]`); reported when it is not one. */
  private nameRef(node: unknown, fallback: Range, where: string): NameRef | undefined {
    const range = nodeRange(this.src, node, fallback);
    if (isScalar(node) && typeof node.value === 'string' && isGraphName(node.value)) return { name: node.value, range };
    this.sink.error('bad-name', `${where}: expected the name of an output (letters, digits and _, like a Python variable)`, range);
    return undefined;
  }

  private merge(op: MergeOp, opRange: Range, inputs: NameRef[], range: Range): ItemSpec[] {
    const bad = inputs.find((i) => !isGraphName(i.name));
    if (bad) {
      this.sink.error('bad-name', `${op}: '${bad.name}' is not the name of an output (letters, digits and _, like a Python variable)`, bad.range);
      return [];
    }
    if (inputs.length < 2) {
      this.sink.error('bad-merge', `${op} joins two or more named outputs, e.g. ${op}(up, skip)`, opRange);
      return [];
    }
    return [{ kind: 'merge', op, opRange, inputs, range }];
  }

  /** A pasted torch.cat / torch.add / `a + b`: read as the merge it stands for (ranges on the names as written). */
  private readMergeHabit(habit: MergeHabit, toRange: (s: Span) => Range, range: Range): ItemSpec[] {
    const statement = toRange(habit.span);
    if (!habit.replacement) {
      this.sink.error('bad-merge', habit.message, statement);
      return [];
    }
    this.sink.warning('python-habit', habit.message, statement, [{ title: `Replace with ${habit.replacement}`, range: statement, newText: habit.replacement }]);
    const inputs = habit.inputs.map((i) => ({ name: i.name, range: toRange(i.span) }));
    const as = habit.as && { name: habit.as.name, range: toRange(habit.as.span) };
    return this.merge(habit.op, statement, inputs, range).map((item) => (as ? this.wired(item, { as }) : item));
  }

  /** The item with its `as` / `from` / module name (a merge has inputs, not a `from`). */
  private wired(item: ItemSpec, wiring: Wiring): ItemSpec {
    if (item.kind === 'merge' && wiring.from) {
      this.sink.error('bad-merge', `${item.op} takes its inputs from its own list: remove from: ${wiring.from.name}`, wiring.from.range);
      return wiring.as ? { ...item, as: wiring.as } : item;
    }
    return { ...item, ...(wiring.as ? { as: wiring.as } : {}), ...(wiring.from ? { from: wiring.from } : {}), ...(wiring.module ? { module: wiring.module } : {}) };
  }

  /**
   * `{k: v}` gives keyword arguments; a scalar or list gives the first positional argument; null gives none.
   * Names whose value is not a Python literal are reported and collected in `unreadable`.
   */
  private mappingArgs(value: unknown, unreadable: string[]): ArgSpec[] {
    if (value == null || (isScalar(value) && value.value === null)) return [];
    if (isMap(value)) {
      const args: ArgSpec[] = [];
      for (const { key, pair } of entries(value)) {
        const valueRange = nodeRange(this.src, pair.value, nodeRange(this.src, pair.key));
        const py = toPyValue(pair.value);
        if ('error' in py) {
          this.sink.error('bad-argument-type', `${key}: ${py.error}`, valueRange);
          unreadable.push(key);
          continue;
        }
        args.push({ name: key, nameRange: nodeRange(this.src, pair.key), value: py.value, valueRange });
      }
      return args;
    }
    const py = toPyValue(value);
    if ('error' in py) return [];
    return [{ value: py.value, valueRange: nodeRange(this.src, value) }];
  }

  private readRepeat(value: unknown, keyRange: Range, range: Range): ItemSpec | undefined {
    if (!isMap(value)) {
      this.sink.error('bad-repeat', 'repeat needs a mapping: {times: N, layers: [...]}', keyRange);
      return undefined;
    }
    const timesPair = findPair(value, 'times');
    const times = isScalar(timesPair?.value) ? timesPair?.value.value : undefined;
    let count = 1;
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 1 || times > MAX_REPEAT) {
      this.sink.error('bad-repeat', `repeat.times must be an integer from 1 to ${MAX_REPEAT}`, nodeRange(this.src, timesPair?.value, keyRange));
    } else count = times;
    this.reportUnknownKeys(value, ['times', 'layers'], 'repeat');
    const layers = findPair(value, 'layers');
    const body = this.readList(layers?.value, keyRange);
    return { kind: 'repeat', times: count, body, range };
  }

  private readResidual(value: unknown, keyRange: Range, range: Range): ItemSpec | undefined {
    if (isSeq(value)) return { kind: 'residual', body: this.readList(value, keyRange), projection: [], range };
    if (!isMap(value)) {
      this.sink.error('bad-residual', 'residual needs {layers: [...], projection: [...]} or a list of layers', keyRange);
      return undefined;
    }
    this.reportUnknownKeys(value, ['layers', 'projection'], 'residual');
    const body = this.readList(findPair(value, 'layers')?.value, keyRange);
    const projPair = findPair(value, 'projection');
    const projection = projPair && projPair.value != null ? this.readList(projPair.value, keyRange) : [];
    return { kind: 'residual', body, projection, range };
  }

  private reportUnknownKeys(map: YAMLMap, known: string[], where: string): void {
    for (const { key, pair } of entries(map)) {
      if (!known.includes(key)) {
        this.sink.error('unknown-key', `Unknown key '${key}' in ${where} (expected ${known.join(', ')})`, nodeRange(this.src, pair.key));
      }
    }
  }
}

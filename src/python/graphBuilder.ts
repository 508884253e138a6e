/**
 * Builds the core's graph items (layers, `from`/`as` wiring, merges) while a forward pass is traced. A tensor is
 * a Ref to the item that produced it; a Ref gets a graph name only when it is used other than straight away (a
 * skip connection), so a plain chain stays a plain list, as a model file would write it.
 */
import type { ItemSpec, LayerSpec, MergeOp, MergeSpec, NameRef } from '../model/spec';
import type { Range } from '../model/types';

export interface Ref {
  /** The producing item; none for the model's input. */
  item?: ItemSpec;
  /** A readable name for the graph when one is needed (the Python variable). */
  hint: string;
  range: Range;
}

/** Where a layer item is used in the Python source (`self.conv1(x)`), for hovers on the call. */
export interface LayerUse {
  range: Range;
  item: LayerSpec;
}

export class GraphBuilder {
  readonly items: ItemSpec[] = [];
  readonly uses: LayerUse[] = [];
  readonly input: Ref;
  private current: Ref;
  private readonly names = new Set<string>(['input']);

  constructor(inputRange: Range) {
    this.input = { hint: 'input', range: inputRange };
    this.current = this.input;
  }

  /** Appends a copy of `spec` (each use is its own layer) applied to `input`; `use`: where the call is written. */
  layer(spec: LayerSpec, input: Ref, use: Range | undefined, hint: string): Ref {
    // A new range object per use: results are matched to their item by the range's identity.
    const item: LayerSpec = { ...spec, range: { ...spec.range }, ...this.from(input, use ?? spec.range) };
    this.items.push(item);
    if (use) this.uses.push({ range: use, item });
    return this.produced(item, hint);
  }

  merge(op: MergeOp, inputs: Ref[], opRange: Range, range: Range, hint: string): Ref {
    const refs: NameRef[] = inputs.map((r) => ({ name: this.nameOf(r), range: r.range }));
    const item: MergeSpec = { kind: 'merge', op, opRange, inputs: refs, range };
    this.items.push(item);
    return this.produced(item, hint);
  }

  /** Names the tensor after a Python variable, for the next time it needs a name. */
  rename(ref: Ref, hint: string, range: Range): Ref {
    return ref.item && !ref.item.as ? { ...ref, hint, range } : ref;
  }

  /** Whether `ref` is what the last item produced (the output of the graph so far). */
  isCurrent(ref: Ref): boolean {
    return ref.item === this.current.item;
  }

  private produced(item: ItemSpec, hint: string): Ref {
    this.current = { item, hint, range: item.range };
    return this.current;
  }

  private from(input: Ref, use: Range): { from?: NameRef } {
    return this.isCurrent(input) ? {} : { from: { name: this.nameOf(input), range: use } };
  }

  private nameOf(ref: Ref): string {
    if (!ref.item) return 'input';
    if (ref.item.as) return ref.item.as.name;
    let name = ref.hint;
    for (let i = 2; this.names.has(name); i++) name = `${ref.hint}_${i}`;
    this.names.add(name);
    ref.item.as = { name, range: ref.range };
    return name;
  }
}

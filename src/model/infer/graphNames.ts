/**
 * The named outputs of a graph, with Python's rules for local variables in `forward`: a name refers to the latest
 * output given that name above the item using it (so `x = concat(x, y)` in a repeat body grows x, as DenseNet does);
 * `input` is the model's input. Reports unknown names (did you mean), names used above their definition (a graph
 * runs top to bottom, so this is how a cycle is written) and names nothing uses.
 */
import type { DiagnosticSink } from '../diagnostics';
import { didYouMean, suggestionSuffix } from '../didYouMean';
import type { ItemSpec, NameRef } from '../spec';
import type { Range } from '../types';
import type { Flow } from './walk';

export interface Binding {
  slot: number;
  flow: Flow;
}

const key = (r: Range) => `${r.start.line}:${r.start.character}`;

export class GraphNames {
  private readonly bound = new Map<string, Binding & { defined?: Range }>();
  /** Every `as:` in the file, by name: tells a forward reference from a typo. */
  private readonly written = new Map<string, Range[]>();
  /** Definitions (by source position: a repeat defines the same one several times) and whether any use reached them. */
  private readonly definitions = new Map<string, { ref: NameRef; used: boolean }>();
  private slots = 1;

  constructor(
    private readonly sink: DiagnosticSink,
    input: Flow,
    items: ItemSpec[],
  ) {
    this.bound.set('input', { slot: 0, flow: input });
    this.collect(items);
  }

  /** The output a name refers to here, or undefined (reported). */
  use(ref: NameRef): Binding | undefined {
    const b = this.bound.get(ref.name);
    if (b) {
      if (b.defined) this.definitions.get(key(b.defined))!.used = true;
      return b;
    }
    const later = this.written.get(ref.name)?.find((r) => r.start.line > ref.range.start.line || (r.start.line === ref.range.start.line && r.start.character > ref.range.start.character));
    if (later) {
      this.sink.error('output-used-before-defined',
        `'${ref.name}' is used before it is defined (line ${later.start.line + 1}): an item can only take outputs from above it (a graph runs top to bottom and has no cycles)`, ref.range);
      return undefined;
    }
    const guess = didYouMean(ref.name, [...this.bound.keys()]);
    this.sink.error('unknown-output', `Unknown output '${ref.name}': name an output with 'name = Layer(…)' or as: name.${suggestionSuffix(guess)}`, ref.range,
      guess ? [{ title: `Change to ${guess}`, range: ref.range, newText: guess }] : undefined);
    return undefined;
  }

  /** Gives the current output a name; returns its slot. */
  define(ref: NameRef, flow: Flow): number {
    const slot = this.slots++;
    this.bound.set(ref.name, { slot, flow, defined: ref.range });
    if (!this.definitions.has(key(ref.range))) this.definitions.set(key(ref.range), { ref, used: false });
    return slot;
  }

  /** Warns about names nothing used; the last output of the model is used by being the output. */
  finish(outputSlot: number | undefined): void {
    for (const { ref, used } of this.definitions.values()) {
      if (used || this.bound.get(ref.name)?.slot === outputSlot && this.bound.get(ref.name)?.defined === ref.range) continue;
      this.sink.warning('unused-output', `'${ref.name}' is never used: take it with from: ${ref.name} or a merge, or remove the name`, ref.range);
    }
  }

  private collect(items: ItemSpec[]): void {
    for (const item of items) {
      if (item.as) this.written.set(item.as.name, [...(this.written.get(item.as.name) ?? []), item.as.range]);
      if (item.kind === 'repeat' || item.kind === 'block') this.collect(item.body);
      if (item.kind === 'residual') this.collect([...item.body, ...item.projection]);
    }
  }
}

/**
 * What a model file says, before defaults and inference (the "Spec" side of the core): every value keeps
 * the source range it came from so that diagnostics can underline exactly the argument at fault.
 */
import type { PyValue, Range } from './types';

/** One argument of a layer, positional (no `name`) or keyword. */
export interface ArgSpec {
  name?: string;
  nameRange?: Range;
  value: PyValue;
  /** Range of the value only (what a quick fix replaces). */
  valueRange: Range;
}

/** A name written in a graph item (`as: skip`, `from: skip`, an input of `concat`), with where it is written. */
export interface NameRef {
  name: string;
  range: Range;
}

/**
 * Graph wiring any item may carry: `as` names its output (`skip = Conv2d(…)`, `as: skip`), `from` feeds it a named
 * output instead of the item above (`Conv2d(…)(skip)`, `from: skip`).
 */
export interface Wiring {
  as?: NameRef;
  from?: NameRef;
  /**
   * The module name written before the item (`conv1: Conv2d(…)`, `layer1: [...]`), as PyTorch's attribute name:
   * parameter names are the dotted path of these (`layer1.0.conv1.weight`). Unnamed items are numbered by their
   * position among the unnamed items of their block, as nn.Sequential numbers its children.
   */
  module?: NameRef;
}

/** A layer item: `Conv2d(1, 16, 3)`, `conv2d: {out_channels: 16}` or a bare `relu`. */
export interface LayerSpec extends Wiring {
  kind: 'layer';
  /** The name as written (any case). */
  name: string;
  nameRange: Range;
  args: ArgSpec[];
  /** The whole item. */
  range: Range;
  form: 'call' | 'mapping' | 'bare';
  /** Mapping form: arguments whose value could not be read (already reported); the layer cannot be resolved. */
  unreadable?: string[];
}

/** `repeat: {times: N, layers: [...]}`: the body is expanded N times. */
export interface RepeatSpec extends Wiring {
  kind: 'repeat';
  times: number;
  body: ItemSpec[];
  range: Range;
}

/** `residual: {layers: [...], projection: [...]}`: output = body(x) + projection(x) (or + x). */
export interface ResidualSpec extends Wiring {
  kind: 'residual';
  body: ItemSpec[];
  projection: ItemSpec[];
  range: Range;
}

export type MergeOp = 'concat' | 'add' | 'multiply';

/** `concat(a, b)` / `concat: [a, b]` (channels), `add`, `multiply` (elementwise, torch broadcasting) of named outputs. */
export interface MergeSpec extends Wiring {
  kind: 'merge';
  op: MergeOp;
  opRange: Range;
  inputs: NameRef[];
  range: Range;
}

/** A named (`features: [...]`) or unnamed (`- [...]`, a nested list) block: its items run in sequence, named under it. */
export interface BlockSpec extends Wiring {
  kind: 'block';
  body: ItemSpec[];
  range: Range;
}

export type ItemSpec = LayerSpec | RepeatSpec | ResidualSpec | MergeSpec | BlockSpec;

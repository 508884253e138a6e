/**
 * Messages and state of the Model Summary webview: the view model the host sends, the requests the webview
 * sends back, and guards for both directions (for MessageHandler: a malformed message is dropped, never acted on).
 * Pure data: no vscode or DOM imports; both the host (src/webviews) and the webview (media/summary) use it.
 */

/** One layer row of the summary table. */
export interface SummaryRow {
  /** 1-based, as in torchinfo. */
  index: number;
  type: string;
  /** The layer as written, in call syntax. */
  text: string;
  /** 0-based line and column of the layer item, for "reveal in editor". */
  line: number;
  character: number;
  inputShape: number[];
  outputShape: number[];
  params: number;
  trainable: boolean;
  macs: number;
  receptiveField: number;
  jump: number;
  /** PyTorch's module name (`layer1.0.conv1`); absent in state saved before blocks. */
  module?: string;
}

/**
 * Consecutive rows `first..last` (indices into `rows`) whose module names share the prefix `path` (`layer1`,
 * `layer1.0`): the table shows them as one row that expands. Listed outer before inner.
 */
export interface SummaryBlock {
  path: string;
  first: number;
  last: number;
  /** What the block hands on (after its residual add or final concat). */
  outputShape: number[];
  params: number;
  trainableParams: number;
  macs: number;
}

/** Totals and a torchinfo-style memory estimate for one batch (float32). */
export interface SummaryTotals {
  params: number;
  trainableParams: number;
  /** Non-trainable state such as BatchNorm running statistics. */
  buffers: number;
  macs: number;
  batchSize: number;
  inputBytes: number;
  /** Activations kept for the backward pass: forward outputs and their gradients. */
  forwardBackwardBytes: number;
  paramBytes: number;
  totalBytes: number;
}

/** The training-memory estimate on one engine (src/model/memory/estimate.ts), as the panel shows it. */
export interface TrainingMemoryView {
  /** "wasm" or "native". */
  backend: string;
  batchSize: number;
  totalBytes: number;
  /** null when no limit is known. */
  limitBytes: number | null;
  fits: boolean;
  maxBatchSize: number;
  /** One line: "≈ 3.61 GiB at batch 8 on wasm (limit 4 GiB): fits, up to batch 11". */
  line: string;
  parts: Array<{ name: string; bytes: number }>;
  /** What to change when it does not fit. */
  advice: string | null;
}

export interface SummaryProblem {
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** 0-based. */
  line: number;
  character: number;
}

/**
 * The model's wiring for the architecture drawing, as the core's graph runs it (GraphNode without the layers'
 * details): `row` points into `rows`; named outputs live in numbered slots (slot 0 is the input).
 */
export type SummaryGraphNode =
  | { kind: 'layer'; row: number }
  | { kind: 'residual'; body: SummaryGraphNode[]; projection: SummaryGraphNode[]; outputShape: number[] }
  | { kind: 'store'; slot: number; name: string }
  | { kind: 'load'; slot: number; name: string }
  /** `inputs`: the names as written with their shapes; `line`/`character` 0-based. */
  | { kind: 'merge'; op: 'concat' | 'add' | 'multiply'; slots: number[]; inputs: Array<{ name: string; shape: number[] }>; outputShape: number[]; line: number; character: number };

export interface SummaryViewModel {
  /** The model file, as a URI string (the panel follows the active model file). */
  uri: string;
  fileName: string;
  name: string;
  input: number[];
  outputShape: number[];
  rows: SummaryRow[];
  /** Wiring for the drawing; absent in state saved before graph models (the drawing then follows `rows`). */
  graph?: SummaryGraphNode[];
  /** The table's collapsible blocks; absent in state saved before blocks (the table is then flat). */
  blocks?: SummaryBlock[];
  totals: SummaryTotals;
  /** Peak memory of training at the file's batch size, per engine (absent for a model with errors). */
  trainingMemory?: TrainingMemoryView[];
  problems: SummaryProblem[];
}

/** Host → webview. */
export type ToSummaryWebview =
  | { type: 'update'; model: SummaryViewModel }
  /** No model file to show (none open, or the followed file was closed). */
  | { type: 'empty'; message: string };

/** Webview → host. */
export type FromSummaryWebview =
  | { type: 'ready' }
  /** Reveal a position of the shown model file in its editor. */
  | { type: 'reveal'; line: number; character: number };

/** What the webview keeps with setState (survives hide/show and window reloads via the serializer). */
export interface SummaryWebviewState {
  model?: SummaryViewModel;
  /** Index of the selected layer row, if any. */
  selected?: number;
  /** Paths of the blocks the user expanded (every other block shows collapsed). */
  expanded?: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Accepts a message from the webview. */
export function isFromSummaryWebview(raw: unknown): raw is FromSummaryWebview {
  if (!isObject(raw)) return false;
  if (raw.type === 'ready') return true;
  return raw.type === 'reveal' && isCount(raw.line) && isCount(raw.character);
}

/** Validates a view model (from a message or from restored state). */
export function isSummaryViewModel(v: unknown): v is SummaryViewModel {
  if (!isObject(v)) return false;
  return (
    typeof v.uri === 'string' &&
    typeof v.name === 'string' &&
    typeof v.fileName === 'string' &&
    Array.isArray(v.input) &&
    Array.isArray(v.outputShape) &&
    Array.isArray(v.rows) &&
    v.rows.every((r) => isObject(r) && isCount(r.index) && typeof r.type === 'string' && isCount(r.line) && Array.isArray(r.outputShape)) &&
    (v.graph === undefined || isGraph(v.graph, v.rows.length)) &&
    (v.blocks === undefined || isBlocks(v.blocks, v.rows.length)) &&
    isObject(v.totals) &&
    (v.trainingMemory === undefined || (Array.isArray(v.trainingMemory) && v.trainingMemory.every((m) => isObject(m) && typeof m.line === 'string' && Array.isArray(m.parts)))) &&
    Array.isArray(v.problems) &&
    v.problems.every((p) => isObject(p) && typeof p.message === 'string' && isCount(p.line))
  );
}

function isBlocks(blocks: unknown, rowCount: number): boolean {
  return Array.isArray(blocks) && blocks.every((b) =>
    isObject(b) && typeof b.path === 'string' && isCount(b.first) && isCount(b.last) && b.first <= b.last && b.last < rowCount &&
    Array.isArray(b.outputShape) && isCount(b.params) && isCount(b.trainableParams) && typeof b.macs === 'number');
}

function isGraph(nodes: unknown, rowCount: number): boolean {
  if (!Array.isArray(nodes)) return false;
  return nodes.every((n) => {
    if (!isObject(n)) return false;
    switch (n.kind) {
      case 'layer':
        return isCount(n.row) && n.row < rowCount;
      case 'residual':
        return isGraph(n.body, rowCount) && isGraph(n.projection, rowCount) && Array.isArray(n.outputShape);
      case 'store':
      case 'load':
        return isCount(n.slot) && typeof n.name === 'string';
      case 'merge':
        return (
          (n.op === 'concat' || n.op === 'add' || n.op === 'multiply') &&
          Array.isArray(n.slots) && n.slots.every(isCount) &&
          Array.isArray(n.inputs) && n.inputs.every((i) => isObject(i) && typeof i.name === 'string' && Array.isArray(i.shape)) &&
          Array.isArray(n.outputShape) && isCount(n.line) && isCount(n.character)
        );
      default:
        return false;
    }
  });
}

/** Accepts a message from the host (the webview trusts nothing it did not check). */
export function isToSummaryWebview(raw: unknown): raw is ToSummaryWebview {
  if (!isObject(raw)) return false;
  if (raw.type === 'update') return isSummaryViewModel(raw.model);
  return raw.type === 'empty' && typeof raw.message === 'string';
}

/** Validates restored webview state; unusable state becomes an empty state. */
export function parseSummaryState(raw: unknown): SummaryWebviewState {
  if (!isObject(raw)) return {};
  return {
    model: isSummaryViewModel(raw.model) ? raw.model : undefined,
    selected: isCount(raw.selected) ? raw.selected : undefined,
    expanded: Array.isArray(raw.expanded) && raw.expanded.every((p) => typeof p === 'string') ? raw.expanded : undefined,
  };
}

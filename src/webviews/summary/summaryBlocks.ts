/**
 * The summary table's blocks: runs of consecutive layers whose PyTorch module names share a prefix (`layer1`,
 * `layer1.0`, `features.3.conv`), as torch's named_modules nests them, so a zoo model's table folds block by block.
 * Pure, so it is tested without VS Code.
 */
import type { GraphNode, ModelAnalysis, Range } from '../../model/types';
import type { SummaryBlock } from '../../protocol/webview-summary';

interface Run {
  path: string;
  first: number;
  last: number;
}

/** Every block of the model's layers, outer before inner (pre-order), with its totals and output shape. */
export function summaryBlocks(analysis: ModelAnalysis): SummaryBlock[] {
  const modules = analysis.layers.map((l) => l.module.split('.'));
  const runs: Run[] = [];
  collectRuns(modules, 0, modules.length - 1, 0, runs);
  const outputs = blockOutputs(analysis, new Set(runs.map((r) => r.path)));
  return runs.map((r) => {
    const layers = analysis.layers.slice(r.first, r.last + 1);
    return {
      path: r.path,
      first: r.first,
      last: r.last,
      outputShape: outputs.get(r.path) ?? layers[layers.length - 1].outputShape,
      params: layers.reduce((n, l) => n + l.params, 0),
      trainableParams: layers.reduce((n, l) => n + l.trainableParams, 0),
      macs: layers.reduce((n, l) => n + l.macs, 0),
    };
  });
}

/**
 * Rows `first..last` share their first `depth` name segments; consecutive rows that also share the next one (and
 * have more segments after it) form a block. A block of one row is that row, not a block.
 */
function collectRuns(modules: string[][], first: number, last: number, depth: number, out: Run[]): void {
  let i = first;
  while (i <= last) {
    const key = modules[i].length > depth + 1 ? modules[i][depth] : undefined;
    let j = i;
    while (key !== undefined && j + 1 <= last && modules[j + 1].length > depth + 1 && modules[j + 1][depth] === key) j++;
    if (key !== undefined && j > i) {
      out.push({ path: modules[i].slice(0, depth + 1).join('.'), first: i, last: j });
      collectRuns(modules, i, j, depth + 1, out);
    } else if (key !== undefined) {
      collectRuns(modules, i, i, depth + 1, out);
    }
    i = j + 1;
  }
}

/**
 * The shape each block hands on: that of the last node run inside it. Usually its last layer's output, but a block
 * ending in a merge (an Inception block's `concat`) outputs the merge's shape.
 */
function blockOutputs(analysis: ModelAnalysis, paths: ReadonlySet<string>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const note = (module: string, shape: number[]) => {
    const parts = module.split('.');
    for (let n = 1; n <= parts.length; n++) {
      const p = parts.slice(0, n).join('.');
      if (paths.has(p)) out.set(p, shape);
    }
  };
  const walk = (nodes: readonly GraphNode[]) => {
    for (const node of nodes) {
      if (node.kind === 'layer') note(node.layer.module, node.layer.outputShape);
      else if (node.kind === 'residual') {
        walk(node.body);
        walk(node.projection);
      } else if (node.kind === 'merge' && node.merge.outputShape.length > 0) {
        const owner = mergeOwner(analysis, node.merge.range);
        if (owner !== undefined) note(owner, node.merge.outputShape);
      }
    }
  };
  walk(analysis.graph);
  return out;
}

/** The module path of the innermost named block written around a merge (from a layer written in that block). */
function mergeOwner(analysis: ModelAnalysis, range: Range): string | undefined {
  const around = (analysis.blocks ?? []).filter((b) => contains(b.range, range));
  const block = around[around.length - 1];
  if (!block) return undefined;
  const layer = analysis.layers.find((l) => contains(block.range, l.range));
  if (!layer) return undefined;
  const parts = layer.module.split('.');
  const at = parts.lastIndexOf(block.name);
  return at < 0 ? undefined : parts.slice(0, at + 1).join('.');
}

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

function contains(outer: Range, inner: Range): boolean {
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

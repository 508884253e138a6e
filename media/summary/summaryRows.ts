/**
 * The summary table's visible rows: layers and blocks (src/webviews/summary/summaryBlocks.ts), a block's layers
 * hidden while it is collapsed. Blocks start collapsed, so a ResNet-50 reads as its stages. Pure (no DOM).
 */
import type { SummaryBlock, SummaryViewModel } from '../../src/protocol/webview-summary';

export type SummaryTableItem =
  | { kind: 'layer'; row: number; depth: number; name?: string }
  | { kind: 'block'; block: SummaryBlock; depth: number; expanded: boolean };

/** The rows to draw, in file order, with their nesting depth (0 at the top level). */
export function visibleItems(model: SummaryViewModel, expanded: ReadonlySet<string>): SummaryTableItem[] {
  const blocks = model.blocks ?? [];
  const items: SummaryTableItem[] = [];
  const open: SummaryBlock[] = [];
  let next = 0;
  for (let row = 0; row < model.rows.length; row++) {
    while (open.length > 0 && row > open[open.length - 1].last) open.pop();
    while (next < blocks.length && blocks[next].first === row) {
      const block = blocks[next++];
      if (open.every((b) => expanded.has(b.path))) items.push({ kind: 'block', block, depth: open.length, expanded: expanded.has(block.path) });
      open.push(block);
    }
    if (open.every((b) => expanded.has(b.path))) items.push({ kind: 'layer', row, depth: open.length, name: relativeName(model.rows[row].module, open[open.length - 1]) });
  }
  return items;
}

/** The blocks holding layer row `row`, outer first: what must be expanded for it to show. */
export function blocksHolding(model: SummaryViewModel, row: number): string[] {
  return (model.blocks ?? []).filter((b) => b.first <= row && row <= b.last).map((b) => b.path);
}

/**
 * A layer's module name inside its block (`conv1` in `layer1.0`, `0` in `features`); at the top level only a written
 * name (`conv1`), not the position nn.Sequential numbers an unnamed layer with.
 */
function relativeName(module: string | undefined, block: SummaryBlock | undefined): string | undefined {
  if (!module) return undefined;
  if (!block) return /^\d+$/.test(module) ? undefined : module;
  return module.startsWith(`${block.path}.`) ? module.slice(block.path.length + 1) : undefined;
}

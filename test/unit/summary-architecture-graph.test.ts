/** The architecture drawing of graph models: lanes for branches, merges with their inputs' names and shapes, skip arcs. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { layoutArchitecture, type ArchBlock, type ArchLayout } from '../../media/summary/architectureLayout';
import { isSummaryViewModel } from '../../src/protocol/webview-summary';
import { buildSummaryViewModel } from '../../src/webviews/summary/summaryViewModel';
import { analyse, loadFixture } from '../fixtures/language/load';

const viewModel = (text: string) => buildSummaryViewModel(analyse(text).analysis, 'file:///m.cnn.yaml', 'm.cnn.yaml');
const layoutOf = (text: string) => {
  const vm = viewModel(text);
  return layoutArchitecture(vm.input, vm.rows, vm.graph);
};
const inception = () => layoutOf(readFileSync(join(__dirname, '../../examples/inception-shapes.cnn.yaml'), 'utf8'));

const UNET = `input: [1, 16, 16]
layers:
  - e1 = Conv2d(1, 4, 3, padding=1)
  - ReLU()
  - MaxPool2d(2)
  - Conv2d(4, 8, 3, padding=1)
  - ReLU()
  - up = Upsample(scale_factor=2)
  - concat(up, e1)
  - Conv2d(12, 2, 1)
`;

function overlaps(a: ArchBlock, b: ArchBlock): boolean {
  return a.x < b.x + b.width + b.depth && b.x < a.x + a.width + a.depth && a.y - a.depth < b.y + b.height && b.y - b.depth < a.y + a.height;
}

function assertInside(layout: ArchLayout): void {
  for (const b of layout.blocks) assert.ok(b.x >= 0 && b.x + b.width + b.depth <= layout.width && b.y - b.depth >= 0 && b.y + b.height <= layout.height, JSON.stringify(b));
  for (let i = 0; i < layout.blocks.length; i++) {
    for (let j = i + 1; j < layout.blocks.length; j++) assert.ok(!overlaps(layout.blocks[i], layout.blocks[j]), `blocks ${i} and ${j} overlap`);
  }
}

describe('architecture layout of graph models', () => {
  it('draws the four branches of an Inception block in parallel lanes that meet in a concat', () => {
    const layout = inception();
    const concats = layout.blocks.filter((b) => b.kind === 'merge');
    assert.deepEqual(concats.map((b) => [b.types[0], b.shape]), [['concat', [32, 16, 16]], ['concat', [48, 8, 8]]]);
    const first = concats[0];
    const into = layout.edges.filter((e) => e.to === first.id);
    assert.deepEqual(into.map((e) => [e.name, e.shape]), [['b1', [8, 16, 16]], ['b2', [12, 16, 16]], ['b3', [6, 16, 16]], ['b4', [6, 16, 16]]]);
    const sources = into.map((e) => layout.blocks[e.from]);
    assert.deepEqual(sources.map((b) => b.names), [['b1'], ['b2'], ['b3'], ['b4']]);
    // Each branch has its own lane; the concat continues the trunk's lane, after every branch.
    assert.deepEqual(new Set(sources.map((b) => b.lane)).size, 4);
    assert.equal(first.lane, 0);
    for (const s of sources) assert.ok(s.column < first.column);
    // The first layer of every branch reads `stem` and sits in the column right after it.
    const stem = layout.blocks.find((b) => b.names.includes('stem'));
    assert.ok(stem);
    const fromStem = layout.edges.filter((e) => e.from === stem.id).map((e) => layout.blocks[e.to]);
    assert.deepEqual(fromStem.map((b) => b.types.join('+')), ['Conv2d', 'Conv2d+ReLU', 'Conv2d+ReLU', 'MaxPool2d']);
    assert.deepEqual(new Set(fromStem.map((b) => b.column)), new Set([stem.column + 1]));
    assert.equal(layout.lanes, 4);
    assertInside(layout);
    // Wires to a merge start at their source and end at the merge.
    for (const e of into) {
      const numbers = (e.path.match(/-?[\d.]+/g) ?? []).map(Number);
      const [x1, x2] = [numbers[0], numbers[numbers.length - 2]];
      assert.ok(x1 > layout.blocks[e.from].x && Math.abs(x2 - first.x) < 0.1, e.path);
    }
  });

  it('arcs a U-Net skip over the blocks of its own lane', () => {
    const layout = layoutOf(UNET);
    assert.equal(layout.lanes, 1);
    assert.deepEqual(layout.blocks.map((b) => b.types.join('+')), ['input', 'Conv2d', 'ReLU', 'MaxPool2d', 'Conv2d+ReLU', 'Upsample', 'concat', 'Conv2d']);
    const concat = layout.blocks[6];
    const into = layout.edges.filter((e) => e.to === concat.id);
    assert.deepEqual(into.map((e) => [e.name, e.shape, e.arc]), [['up', [8, 16, 16], false], ['e1', [4, 16, 16], true]]);
    const arc = into[1];
    assert.ok(arc.labelY < Math.min(...layout.blocks.map((b) => b.y - b.depth)), 'the arc runs above every block');
    assertInside(layout);
  });

  it('draws a residual block as a branch and an add, its shortcut labelled', () => {
    const vm = buildSummaryViewModel(loadFixture('blocks').analysis, 'file:///b', 'b');
    const layout = layoutArchitecture(vm.input, vm.rows, vm.graph);
    assert.deepEqual(layout.blocks.map((b) => b.types.join('+')), ['input', 'Conv2d', 'Conv2d+ReLU', 'Conv2d+ReLU', 'Conv2d+ReLU', 'Conv2d+BatchNorm2d', 'add', 'AdaptiveAvgPool2d', 'Flatten', 'Linear']);
    const add = layout.blocks[6];
    assert.deepEqual(layout.edges.filter((e) => e.to === add.id).map((e) => [e.from, e.name]), [[5, ''], [4, 'shortcut']]);
  });

  it('lays out a sequence as before: one lane, no arcs, the same blocks with or without the wiring', () => {
    const vm = buildSummaryViewModel(loadFixture('fashion').analysis, 'file:///f', 'f');
    const wired = layoutArchitecture(vm.input, vm.rows, vm.graph);
    const plain = layoutArchitecture(vm.input, vm.rows);
    assert.deepEqual(wired, plain);
    assert.equal(wired.lanes, 1);
    assert.ok(wired.edges.every((e) => !e.arc && e.name === '' && e.to === e.from + 1));
  });

  it('sends the wiring to the webview and refuses wiring that points at no row', () => {
    const vm = viewModel(UNET);
    assert.ok(vm.graph?.some((n) => n.kind === 'merge'));
    assert.ok(isSummaryViewModel(JSON.parse(JSON.stringify(vm))));
    assert.ok(!isSummaryViewModel({ ...vm, graph: [{ kind: 'layer', row: vm.rows.length }] }));
    assert.ok(!isSummaryViewModel({ ...vm, graph: [{ kind: 'merge', op: 'stack', slots: [], inputs: [], outputShape: [], line: 0, character: 0 }] }));
    assert.ok(isSummaryViewModel({ ...vm, graph: undefined }), 'state saved before graph models still restores');
  });
});

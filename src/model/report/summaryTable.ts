/** A torchinfo-like text table of the model: layer, output shape, parameters, totals. */
import { formatCount, formatShape } from '../layers/arithmetic';
import type { GraphNode, ModelAnalysis, ResolvedLayer } from '../types';

const MIB = 1024 * 1024;

interface Row {
  layer: string;
  shape: string;
  params: string;
  rf: string;
}

/** Rows in file order, residual blocks and graph wiring (names, `from`, merges) marked so the structure stays visible. */
function rows(nodes: GraphNode[], depth: number, out: Row[]): void {
  const indent = '  '.repeat(depth);
  for (const n of nodes) {
    if (n.kind === 'layer') out.push(layerRow(n.layer, indent));
    else if (n.kind === 'store') {
      if (out.length > 1) out[out.length - 1].layer += ` → ${n.name}`;
    } else if (n.kind === 'load') out.push({ layer: `${indent}from ${n.name}:`, shape: '', params: '', rf: '' });
    else if (n.kind === 'merge') {
      const m = n.merge;
      const known = m.outputShape.length > 0;
      out.push({ layer: `${indent}${m.op}(${m.inputs.map((i) => i.name).join(', ')}) (line ${m.range.start.line + 1})`,
        shape: known ? formatShape(m.outputShape) : '?', params: known ? '0' : '?', rf: known ? String(m.receptiveField) : '?' });
    } else {
      out.push({ layer: `${indent}Residual (line ${n.range.start.line + 1})`, shape: n.outputShape.length ? formatShape(n.outputShape) : '?', params: '', rf: '' });
      rows(n.body, depth + 1, out);
      if (n.projection.length) {
        out.push({ layer: `${indent}  projection:`, shape: '', params: '', rf: '' });
        rows(n.projection, depth + 2, out);
      }
    }
  }
}

function layerRow(l: ResolvedLayer, indent: string): Row {
  const known = l.outputShape.length > 0;
  const nonTrainable = l.params - l.trainableParams;
  return {
    layer: `${indent}${l.index}. ${l.type} (line ${l.range.start.line + 1})`,
    shape: known ? formatShape(l.outputShape) : '?',
    params: known ? formatCount(l.params) + (nonTrainable ? ` (${formatCount(nonTrainable)} frozen)` : '') : '?',
    rf: known ? String(l.receptiveField) : '?',
  };
}

export function formatSummaryTable(analysis: ModelAnalysis): string {
  const body: Row[] = [{ layer: 'Input', shape: formatShape(analysis.input), params: '', rf: '1' }];
  rows(analysis.graph, 0, body);
  const header: Row = { layer: 'Layer', shape: 'Output shape', params: 'Param #', rf: 'RF' };
  const widths = (['layer', 'shape', 'params', 'rf'] as const).map((k) => Math.max(...[header, ...body].map((r) => r[k].length)));
  const line = (r: Row) => `${r.layer.padEnd(widths[0])}  ${r.shape.padEnd(widths[1])}  ${r.params.padStart(widths[2])}  ${r.rf.padStart(widths[3])}`.trimEnd();
  const total = widths.reduce((a, b) => a + b, 0) + 6;
  const t = analysis.totals;
  const out = [
    `Model: ${analysis.name}`,
    '='.repeat(total),
    line(header),
    '='.repeat(total),
    ...body.map(line),
    '='.repeat(total),
    `Total params: ${formatCount(t.params)}`,
    `Trainable params: ${formatCount(t.trainableParams)}`,
    `Non-trainable params: ${formatCount(t.params - t.trainableParams)}`,
    `Buffers (e.g. BatchNorm running stats): ${formatCount(t.buffers)}`,
    `Mult-adds per image: ${formatCount(t.macs)}`,
    `Activations per image: ${(t.activationBytes / MIB).toFixed(2)} MB; params + buffers: ${(t.paramBytes / MIB).toFixed(2)} MB`,
    analysis.outputShape.length
      ? `Output: ${formatShape(analysis.outputShape)}${analysis.classes.length ? `, ${analysis.classes.length} classes` : ''}`
      : 'Output: unknown (see the errors below)',
    '-'.repeat(total),
  ];
  return out.join('\n') + '\n';
}

/** Hover of a graph merge (`concat(up, skip)`, `add: [a, b]`): its inputs, the worked shape formula, its cost. */
import { formatCount, mergeFormula, type ResolvedMerge } from '../model';
import { shapeLabel } from './format';

const WHAT = {
  concat: 'joins its inputs along the channels (torch.cat(…, dim=1)): same height and width, channels add up',
  add: 'adds its inputs elementwise (torch broadcasting: each dimension equal, or 1 on one side)',
  multiply: 'multiplies its inputs elementwise (torch broadcasting: each dimension equal, or 1 on one side)',
} as const;

export function mergeHoverMarkdown(m: ResolvedMerge): string {
  const call = `${m.op}(${m.inputs.map((i) => i.name).join(', ')})`;
  const lines = [`**${call}** → \`${shapeLabel(m.outputShape)}\``, '', `${m.op} ${WHAT[m.op]}.`, ''];
  for (const i of m.inputs) lines.push(`- \`${i.name}\`: \`${shapeLabel(i.shape)}\``);
  if (m.outputShape.length) {
    lines.push('', `Shape: ${mergeFormula(m.op, m.inputs, m.outputShape)}`, '', `No parameters · ${formatCount(m.macs)} MACs`);
  } else lines.push('', 'Output unknown: this merge or an earlier item has an error.');
  return lines.join('\n');
}

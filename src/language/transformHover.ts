/** Markdown for hovers on a transform of data.transforms: what it does, its resolved call and the sizes around it. */
import { TRANSFORM_CATALOG } from '../model/transforms/catalog';
import { formatPy } from '../model/layers/formatPy';
import type { DataPipeline, ImageSize, Position, ResolvedTransform } from '../model/types';
import { rangeContains } from '../model';

/** The written transform at `pos` and the pipeline it belongs to, if any. */
export function transformAt(pipeline: DataPipeline, pos: Position): { step: ResolvedTransform; index: number; split: 'train' | 'test' } | undefined {
  for (const split of ['train', 'test'] as const) {
    const index = pipeline[split].findIndex((s) => s.range && rangeContains(s.range, pos));
    if (index >= 0) return { step: pipeline[split][index], index, split };
  }
  return undefined;
}

export function transformHoverMarkdown(step: ResolvedTransform, index: number, split: 'train' | 'test'): string {
  const sig = TRANSFORM_CATALOG[step.type];
  const call = `${step.type}(${sig.args.map((a) => `${a.name}=${formatPy(step.args[a.name] ?? null)}`).join(', ')})`;
  return [
    `**${step.type}** · step ${index + 1} of data.transforms.${split}${sig.random ? ' · random, drawn again for every image' : ''}`,
    '```python\n' + call + '\n```',
    `**Size** \`${sizeLabel(step.inputSize)}\` → \`${sizeLabel(step.outputSize)}\``,
    '---',
    sig.doc,
  ].join('\n\n');
}

function sizeLabel(size: ImageSize): string {
  return size ? `${size[0]}×${size[1]}` : 'varies';
}

/** The named blocks of a model file (`layer1: [...]`, `branch2: [...]`), for an outline nested as the file is. */
import type { ItemSpec } from './spec';
import type { Range } from './types';

export interface NamedBlock {
  /** The name as written (not dotted with its parents': the outline nests it under them). */
  name: string;
  range: Range;
}

/** Every named block in `items`, outer blocks before the blocks inside them. */
export function namedBlocks(items: readonly ItemSpec[], out: NamedBlock[] = []): NamedBlock[] {
  for (const item of items) {
    if (item.kind === 'block' && item.module) out.push({ name: item.module.name, range: item.range });
    if (item.kind === 'block' || item.kind === 'repeat') namedBlocks(item.body, out);
    if (item.kind === 'residual') namedBlocks([...item.body, ...item.projection], out);
  }
  return out;
}

/**
 * What the Training panel's host sends for a segmentation run's results beyond summary.json: segmentation-worst.json
 * (the worst test images of each class, with their true and predicted masks). Pure (node fs only, no vscode).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isSegmentationWorst, type ToTrainingWebview } from '../../protocol/webview-training';
import { SEGMENTATION_WORST_FILE } from '../../trainer/tasks/segmentationWorst';

/** The `segmentationWorst` message of a run folder; null without the file; an error names a damaged one. */
export async function segmentationWorstMessage(dir: string): Promise<Extract<ToTrainingWebview, { type: 'segmentationWorst' }> | null> {
  const file = join(dir, SEGMENTATION_WORST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const worst: unknown = JSON.parse(text);
  if (!isSegmentationWorst(worst)) throw new Error(`${file} is not a segmentation-worst file this version can read`);
  return { type: 'segmentationWorst', runDir: dir, worst };
}

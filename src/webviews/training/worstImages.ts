/**
 * What the Training panel's host sends for a run's results beyond summary.json: the worst test images its task's
 * test pass wrote (segmentation-worst.json with true and predicted masks, detection-worst.json with true and
 * predicted boxes), one entry per kind of task results. Pure (node fs only, no vscode).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskViews } from '../../model/tasks/types';
import { isDetectionWorst } from '../../protocol/detectionWorst';
import { isSegmentationWorst } from '../../protocol/sampleStrip';
import type { ToTrainingWebview } from '../../protocol/webview-training';
import { RUN_FILES } from '../../trainer/runs/store';

type WorstMessage = Extract<ToTrainingWebview, { type: 'segmentationWorst' | 'detectionWorst' }>;

interface WorstFile {
  file: string;
  /** The file's kind in words, for the error about a damaged one. */
  kind: string;
  message(runDir: string, worst: unknown): WorstMessage | null;
}

const WORST_FILES: Partial<Record<TaskViews['results'], WorstFile>> = {
  segmentation: {
    file: RUN_FILES.segmentationWorst,
    kind: 'segmentation-worst',
    message: (runDir, worst) => (isSegmentationWorst(worst) ? { type: 'segmentationWorst', runDir, worst } : null),
  },
  detection: {
    file: RUN_FILES.detectionWorst,
    kind: 'detection-worst',
    message: (runDir, worst) => (isDetectionWorst(worst) ? { type: 'detectionWorst', runDir, worst } : null),
  },
};

/** The worst-images message of a run whose task shows `results`; null when the task has none or the file is not there yet; an error names a damaged file. */
export async function worstImagesMessage(dir: string, results: TaskViews['results']): Promise<WorstMessage | null> {
  const entry = WORST_FILES[results];
  if (!entry) return null;
  const file = join(dir, entry.file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const message = entry.message(dir, JSON.parse(text));
  if (!message) throw new Error(`${file} is not a ${entry.kind} file this version can read`);
  return message;
}

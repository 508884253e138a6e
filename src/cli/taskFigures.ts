/**
 * Each task's own keys of a `--json` line (`cnnlab train`, `cnnlab evaluate`), beside testAccuracy and testLoss,
 * which every task has: reconstruction adds testMse (pixel units) and, for an anomaly detector, anomalyAuroc;
 * segmentation testMeanIou and testMeanDice; detection testMap50 and testMap.
 */
import type { TaskName } from '../model/types';
import type { TestMetrics } from '../protocol/runTypes';

const TASK_FIGURES: Partial<Record<TaskName, (test: TestMetrics | null) => Record<string, number | null>>> = {
  reconstruction(test) {
    const r = test?.reconstruction;
    return { testMse: r?.mse ?? null, ...(r?.anomaly ? { anomalyAuroc: r.anomaly.auroc } : {}) };
  },
  // testAccuracy is then the pixel accuracy.
  segmentation: (test) => ({ testMeanIou: test?.segmentation?.meanIou ?? null, testMeanDice: test?.segmentation?.meanDice ?? null }),
  // testAccuracy is then null: COCO's mAP@0.5 and mAP@[.5:.95] are the detector's figures.
  detection: (test) => ({ testMap50: test?.detection?.map50 ?? null, testMap: test?.detection?.map ?? null }),
};

export function taskFigures(task: TaskName, test: TestMetrics | null): Record<string, number | null> {
  return TASK_FIGURES[task]?.(test) ?? {};
}

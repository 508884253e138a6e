/** A test pass in words, whatever the task: accuracy for classification, the pixel MSE (and AUROC) for reconstruction, mIoU and pixel accuracy for segmentation, mAP for detection. */
import type { TestMetrics } from './runTypes';

/** "test accuracy 91.20%, test loss 0.2345" or "test MSE 0.0123, anomaly AUROC 0.912, test loss 0.0123"; short: "test 91.20%". */
export function formatTestResult(test: TestMetrics, percent: (x: number) => string, short = false): string {
  const det = test.detection;
  if (det) {
    const figure = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
    const figures = `test mAP@0.5 ${figure(det.map50)}, mAP@[.5:.95] ${figure(det.map)}`;
    return short ? figures : `${figures}, test loss ${test.loss.toFixed(4)}`;
  }
  const seg = test.segmentation;
  if (seg) {
    const figures = `test mIoU ${seg.meanIou.toFixed(3)}, pixel accuracy ${percent(seg.pixelAccuracy)}`;
    return short ? figures : `${figures}, test loss ${test.loss.toFixed(4)}`;
  }
  const r = test.reconstruction;
  if (r) {
    const auroc = r.anomaly ? `, anomaly AUROC ${r.anomaly.auroc.toFixed(3)}` : '';
    return short ? `test MSE ${r.mse.toFixed(4)}${auroc}` : `test MSE ${r.mse.toFixed(4)}${auroc}, test loss ${test.loss.toFixed(4)}`;
  }
  const accuracy = test.accuracy === null ? 'n/a' : percent(test.accuracy);
  return short ? `test ${accuracy}` : `test accuracy ${accuracy}, test loss ${test.loss.toFixed(4)}`;
}

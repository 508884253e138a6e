/**
 * ROC analysis of a score that should be higher for positives (the reconstruction error of anomalies): the area
 * under the curve (the probability that a random positive scores above a random negative, ties counting one half,
 * as sklearn's roc_auc_score) and the threshold that maximises Youden's J = TPR − FPR.
 */

export interface RocResult {
  auroc: number;
  /** Positives are the scores ≥ threshold. */
  threshold: number;
  truePositiveRate: number;
  falsePositiveRate: number;
  /** The curve's corners (FPR, TPR) from (0, 0) to (1, 1), one per distinct score. */
  points: Array<[number, number]>;
}

/** null when either class is empty (the curve is undefined). */
export function rocAnalysis(scores: ArrayLike<number>, positive: ArrayLike<boolean>): RocResult | null {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let positives = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) positives += 1;
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const points: Array<[number, number]> = [[0, 0]];
  let tp = 0;
  let fp = 0;
  let area = 0;
  let best = { j: -Infinity, threshold: Infinity, tpr: 0, fpr: 0 };
  for (let k = 0; k < order.length; ) {
    // All samples with the same score cross the threshold together (a diagonal step: ties count one half).
    const score = scores[order[k]];
    const [tp0, fp0] = [tp, fp];
    for (; k < order.length && scores[order[k]] === score; k++) {
      if (positive[order[k]]) tp += 1;
      else fp += 1;
    }
    area += ((fp - fp0) * (tp + tp0)) / 2;
    const [tpr, fpr] = [tp / positives, fp / negatives];
    points.push([fpr, tpr]);
    if (tpr - fpr > best.j) best = { j: tpr - fpr, threshold: score, tpr, fpr };
  }
  return { auroc: area / (positives * negatives), threshold: best.threshold, truePositiveRate: best.tpr, falsePositiveRate: best.fpr, points };
}

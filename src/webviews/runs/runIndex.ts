/**
 * The runs under the runs roots, as the tree needs them: listRuns plus each run's best validation accuracy
 * (from metrics.jsonl) and the weights it started from (config.json), cached per summary update so a refresh
 * re-reads only runs that changed. No vscode.
 */
import { join } from 'node:path';
import { startingWeightsFromConfig } from '../../protocol/startingWeights';
import { listRuns, readMetrics, readRunConfig } from '../../trainer/runs/reader';
import { RUN_FILES } from '../../trainer/runs/store';
import { bestValidationAccuracy, bestValidationMap50, bestValidationMeanIou, epochRecords } from './runStats';
import type { RunInfo } from './runTree';

type Details = Pick<RunInfo, 'bestValAccuracy' | 'bestValMeanIou' | 'bestValMap50' | 'startingWeights'>;

export class RunIndex {
  private readonly cache = new Map<string, Details & { key: string }>();

  /** Every run under `roots` (missing roots are skipped), newest first. */
  collect(roots: readonly string[]): RunInfo[] {
    const runs: RunInfo[] = [];
    const seen = new Set<string>();
    for (const root of roots) {
      for (const entry of listRuns(root)) {
        if (seen.has(entry.dir)) continue;
        seen.add(entry.dir);
        runs.push({ ...entry, ...this.bestValidation(entry.dir, entry.summary) });
      }
    }
    // Forget runs that were deleted.
    for (const dir of this.cache.keys()) if (!seen.has(dir)) this.cache.delete(dir);
    return runs.sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  }

  private bestValidation(dir: string, summary: RunInfo['summary']): Details {
    const key = `${summary?.updatedAt ?? ''}|${summary?.epochsCompleted ?? ''}|${summary?.bestEpoch ?? ''}`;
    const cached = this.cache.get(dir);
    if (cached?.key === key) return { bestValAccuracy: cached.bestValAccuracy, bestValMeanIou: cached.bestValMeanIou, bestValMap50: cached.bestValMap50, startingWeights: cached.startingWeights };
    const epochs = epochRecords(readMetrics(join(dir, RUN_FILES.metrics)));
    const value = {
      bestValAccuracy: bestValidationAccuracy(epochs, summary),
      bestValMeanIou: bestValidationMeanIou(epochs, summary),
      bestValMap50: bestValidationMap50(epochs, summary),
      startingWeights: startingWeightsFromConfig(readRunConfig(dir)),
    };
    this.cache.set(dir, { key, ...value });
    return value;
  }
}

/**
 * What the Training panel's host sends for a reconstruction run's results: reconstructions.json as a view, and the
 * stored test images of an error range (a histogram bin) with their reconstructions. Pure (node fs only, no vscode).
 */
import type { ErrorRange, ReconstructionSample, ToReconstructionResults } from '../../protocol/webview-reconstruction';
import { readErrorRangeSamples, readReconstructions } from '../../trainer/runs/reconstructions';

/** The `reconstructions` message of a run folder, or null when it has no reconstructions.json. */
export async function reconstructionResultsMessage(dir: string): Promise<Extract<ToReconstructionResults, { type: 'reconstructions' }> | null> {
  const r = await readReconstructions(dir);
  if (!r) return null;
  return {
    type: 'reconstructions', runDir: dir,
    results: {
      classes: r.classes, labels: r.labels, errors: r.errors, perClassError: r.perClassError,
      includedClasses: r.anomaly?.includedClasses ?? null, roc: r.roc, auroc: r.anomaly?.auroc ?? null, threshold: r.anomaly?.threshold ?? null,
      stored: r.stored?.length ?? 0,
    },
  };
}

/** The `errorBinSamples` message for one error range. */
export async function errorBinSamplesMessage(dir: string, range: ErrorRange): Promise<Extract<ToReconstructionResults, { type: 'errorBinSamples' }>> {
  const found = await readErrorRangeSamples(dir, range.lo, range.hi, range.includeHi);
  const base = { type: 'errorBinSamples' as const, runDir: dir, range };
  if (!found) return { ...base, total: 0, samples: [], message: 'This run has no reconstructions.json (no test pass).' };
  const samples: ReconstructionSample[] = found.samples.map((s) => ({
    index: s.index, label: s.label, error: s.error, width: found.width, height: found.height, channels: found.channels,
    input: Buffer.from(s.input).toString('base64'), output: Buffer.from(s.output).toString('base64'),
  }));
  const message = found.total === 0 ? 'No test image falls in this bin.'
    : samples.length === 0 ? 'None of these images was kept with its reconstruction (runs keep a bounded sample over the error range).'
      : samples.length < found.total ? `Showing ${samples.length} of ${found.total} images.` : null;
  return { ...base, total: found.total, samples, message };
}

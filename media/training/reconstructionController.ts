/**
 * The Training webview's logic for a reconstruction run's results, without the DOM: keeps reconstructions.json's
 * view, the histogram, the threshold the user drags (starting at the Youden-J threshold) with its counts and rates,
 * and asks the host for a clicked bin's images. TrainingController owns one and forwards its messages.
 */
import type { ErrorRange, FromReconstructionResults, ReconstructionResultsView, ToReconstructionResults } from '../../src/protocol/webview-reconstruction';
import { binRange, classErrorBars, errorHistogram, thresholdStats, type ClassErrorBar, type ErrorHistogram, type ThresholdStats } from './reconstructionResults';

export type ErrorBinSamples = Extract<ToReconstructionResults, { type: 'errorBinSamples' }>;

/** What the DOM view implements for these results. */
export interface ReconstructionRenderer {
  /** reconstructions.json arrived (or the run changed): redraw the results. */
  reconstructionResults(results: ReconstructionResultsController): void;
  /** The images of a clicked bin arrived. */
  errorBinSamples(results: ReconstructionResultsController, message: ErrorBinSamples): void;
}

export class ReconstructionResultsController {
  private view: ReconstructionResultsView | null = null;
  private hist: ErrorHistogram | null = null;
  private current: number | null = null;
  /** The bin asked for last: a late answer for another bin is dropped. */
  private asked: ErrorRange | null = null;

  constructor(private readonly send: (message: FromReconstructionResults) => void, private readonly renderer: ReconstructionRenderer, private readonly bins = 30) {}

  get results(): ReconstructionResultsView | null {
    return this.view;
  }

  get histogram(): ErrorHistogram | null {
    return this.hist;
  }

  /** The threshold shown: the one dragged to, else the Youden-J one; null without anomalies. */
  get threshold(): number | null {
    return this.current;
  }

  get isAnomalyDetector(): boolean {
    return this.view?.includedClasses != null;
  }

  bars(): ClassErrorBar[] {
    return this.view ? classErrorBars(this.view) : [];
  }

  stats(): ThresholdStats | null {
    return this.view && this.current !== null ? thresholdStats(this.view, this.current) : null;
  }

  /** A message of the shown run. */
  receive(message: ToReconstructionResults): void {
    if (message.type === 'reconstructions') {
      this.view = message.results;
      this.hist = errorHistogram(message.results, this.bins);
      this.current = message.results.includedClasses !== null ? message.results.threshold : null;
      this.renderer.reconstructionResults(this);
      return;
    }
    const a = this.asked;
    if (a && a.lo === message.range.lo && a.hi === message.range.hi) this.renderer.errorBinSamples(this, message);
  }

  /** The threshold line was dragged (or the slider moved). */
  setThreshold(threshold: number): ThresholdStats | null {
    if (!this.isAnomalyDetector) return null;
    this.current = threshold;
    return this.stats();
  }

  /** Back to the threshold that maximises Youden's J. */
  resetThreshold(): ThresholdStats | null {
    return this.view?.threshold != null ? this.setThreshold(this.view.threshold) : null;
  }

  /** A click on histogram bin `bin`: ask the host for its images. */
  selectBin(bin: number): void {
    if (!this.hist || bin < 0 || bin >= this.hist.edges.length - 1) return;
    this.asked = binRange(this.hist.edges, bin);
    this.send({ type: 'showErrorBin', range: this.asked });
  }

  /** Another run is shown. */
  reset(): void {
    this.view = null;
    this.hist = null;
    this.current = null;
    this.asked = null;
  }
}

/**
 * The Compare page's logic without the DOM: validates the host's view, remembers the compared run folders for
 * a reload, builds the overlaid curves (one line per run), and turns clicks into `openRun` requests.
 */
import { previewMessage } from '../../src/protocol/preview';
import { parseToCompareWebview, type CompareView, type CompareWebviewState } from '../../src/protocol/webview-training';
import type { LineChartSpec, ThemeColors } from '../training/chartOptions';
import type { WebviewApi } from '../webviewApi';

export interface CompareRenderer {
  show(view: CompareView): void;
}

export type CompareChartId = 'valLoss' | 'valAccuracy' | 'valMeanIou' | 'valMap50' | 'trainLoss' | 'trainAccuracy';

/** The overlaid per-epoch curves of the compared runs, one colour per run. */
export function compareCharts(view: CompareView, theme: ThemeColors): Array<{ id: CompareChartId; title: string; spec: LineChartSpec }> {
  const lines = (pick: (e: CompareView['runs'][number]['epochs'][number]) => number | null) =>
    view.runs.map((run, i) => ({
      label: run.label,
      color: theme.palette[i % theme.palette.length],
      points: true,
      dashed: i >= theme.palette.length,
      data: run.epochs.flatMap((e) => {
        const y = pick(e);
        return typeof y === 'number' && Number.isFinite(y) ? [{ x: e.epoch, y }] : [];
      }),
    }));
  const spec = (yTitle: string, pick: Parameters<typeof lines>[0], accuracy = false): LineChartSpec => ({
    xTitle: 'epoch', yTitle, integerX: true, lines: lines(pick), ...(accuracy ? { yMin: 0, yMax: 1 } : {}),
  });
  // Segmentation runs: their validation mIoU beside the (pixel) accuracy.
  const miou = view.runs.some((r) => r.epochs.some((e) => typeof e.valMeanIou === 'number'))
    ? [{ id: 'valMeanIou' as const, title: 'Validation mIoU', spec: spec('mIoU', (e) => e.valMeanIou ?? null, true) }]
    : [];
  // Detection runs: their validation mAP@0.5.
  const map = view.runs.some((r) => r.epochs.some((e) => typeof e.valMap50 === 'number'))
    ? [{ id: 'valMap50' as const, title: 'Validation mAP@0.5', spec: spec('mAP@0.5', (e) => e.valMap50 ?? null, true) }]
    : [];
  return [
    { id: 'valLoss', title: 'Validation loss', spec: spec('loss', (e) => e.valLoss) },
    ...miou,
    ...map,
    { id: 'valAccuracy', title: 'Validation accuracy', spec: spec('accuracy', (e) => e.valAccuracy, true) },
    { id: 'trainLoss', title: 'Training loss', spec: spec('loss', (e) => e.loss) },
    { id: 'trainAccuracy', title: 'Training accuracy', spec: spec('accuracy', (e) => e.accuracy, true) },
  ];
}

export class CompareController {
  private view: CompareView | undefined;

  constructor(
    private readonly api: WebviewApi<CompareWebviewState>,
    private readonly renderer: CompareRenderer,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  start(): void {
    this.api.postMessage({ type: 'ready' });
  }

  receive(raw: unknown): void {
    const message = parseToCompareWebview(raw);
    if (!message) {
      this.warn(`Compare runs: ignored a malformed message ${previewMessage(raw)}`);
      return;
    }
    this.view = message.view;
    this.api.setState({ runDirs: message.view.runs.map((r) => r.runDir) });
    this.renderer.show(message.view);
  }

  /** Opens run `index`'s training panel. */
  openRun(index: number): void {
    const run = this.view?.runs[index];
    if (run) this.api.postMessage({ type: 'openRun', runDir: run.runDir });
  }
}

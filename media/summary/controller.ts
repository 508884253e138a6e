/**
 * The Model Summary page's logic without the DOM: restores state, validates host messages, keeps the
 * selection, and turns clicks into `reveal` requests. Tested with a fake webview API and a recording view.
 */
import { MessageHandler } from '../../src/protocol/messageHandler';
import { previewMessage } from '../../src/protocol/preview';
import {
  isToSummaryWebview,
  parseSummaryState,
  type FromSummaryWebview,
  type SummaryViewModel,
  type SummaryWebviewState,
  type ToSummaryWebview,
} from '../../src/protocol/webview-summary';
import type { WebviewApi } from '../webviewApi';
import { blocksHolding } from './summaryRows';

/** What the controller asks the page to draw. */
export interface SummaryView {
  /** `expanded`: the paths of the expanded blocks (others show as one row). */
  showModel(model: SummaryViewModel, selected: number | undefined, expanded: ReadonlySet<string>): void;
  showEmpty(message: string): void;
}

export class SummaryController {
  private state: SummaryWebviewState;
  private readonly messages: MessageHandler<FromSummaryWebview, ToSummaryWebview>;

  constructor(
    private readonly api: WebviewApi<SummaryWebviewState>,
    private readonly view: SummaryView,
    warn: (message: string) => void = () => undefined,
  ) {
    this.state = parseSummaryState(api.getState());
    this.messages = new MessageHandler<FromSummaryWebview, ToSummaryWebview>(
      (m) => api.postMessage(m),
      isToSummaryWebview,
      (raw) => warn(`Model summary: ignored a malformed message ${previewMessage(raw)}`),
    );
    this.messages.on('update', (m) => this.showModel(m.model));
    this.messages.on('empty', (m) => {
      this.save({});
      this.view.showEmpty(m.message);
    });
  }

  /** Shows what was there before a hide/show or reload, then tells the host the page is listening. */
  start(): void {
    if (this.state.model) this.draw();
    this.messages.send({ type: 'ready' });
  }

  /** A message from the host; anything malformed is reported through `warn` and ignored. */
  receive(raw: unknown): void {
    this.messages.receive(raw);
  }

  private showModel(model: SummaryViewModel): void {
    // Keep the selection and the expanded blocks while the same file is edited; a different file starts afresh.
    const sameFile = this.state.model?.uri === model.uri;
    const selected = sameFile && this.state.selected !== undefined && this.state.selected < model.rows.length ? this.state.selected : undefined;
    this.save({ model, selected, expanded: sameFile ? this.state.expanded : undefined });
    this.draw();
  }

  /** The user picked layer row `index` (table or drawing): select it, expand the blocks it is in, and reveal its line. */
  selectRow(index: number): void {
    const model = this.state.model;
    const row = model?.rows[index];
    if (!model || !row) return;
    const expanded = new Set([...(this.state.expanded ?? []), ...blocksHolding(model, index)]);
    this.save({ ...this.state, selected: index, expanded: [...expanded] });
    this.draw();
    this.messages.send({ type: 'reveal', line: row.line, character: row.character });
  }

  /** The user clicked (or pressed Enter/Space on) a block's row: expand or collapse it. */
  toggleBlock(path: string): void {
    if (!this.state.model?.blocks?.some((b) => b.path === path)) return;
    const expanded = new Set(this.state.expanded ?? []);
    if (!expanded.delete(path)) expanded.add(path);
    this.save({ ...this.state, expanded: [...expanded] });
    this.draw();
  }

  private draw(): void {
    this.view.showModel(this.state.model as SummaryViewModel, this.state.selected, new Set(this.state.expanded ?? []));
  }

  /** The user clicked problem `index`: reveal where it is. */
  selectProblem(index: number): void {
    const problem = this.state.model?.problems[index];
    if (problem) this.messages.send({ type: 'reveal', line: problem.line, character: problem.character });
  }

  get current(): Readonly<SummaryWebviewState> {
    return this.state;
  }

  private save(state: SummaryWebviewState): void {
    this.state = state;
    this.api.setState(state);
  }
}

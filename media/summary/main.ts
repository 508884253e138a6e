/** Entry of the Model Summary webview (bundled to dist/webviews/summary.js): wires the page to the host. */
import type { SummaryWebviewState } from '../../src/protocol/webview-summary';
import type { WebviewApi } from '../webviewApi';
import { SummaryController } from './controller';
import { DomSummaryView } from './view';

const api = acquireVsCodeApi() as WebviewApi<SummaryWebviewState>;
const root = document.getElementById('root') ?? document.body;
const view = new DomSummaryView(root, {
  onSelectRow: (i) => controller.selectRow(i),
  onSelectProblem: (i) => controller.selectProblem(i),
  onToggleBlock: (path) => controller.toggleBlock(path),
});
const controller = new SummaryController(api, view, (m) => console.warn(m));
window.addEventListener('message', (event: MessageEvent<unknown>) => controller.receive(event.data));
controller.start();

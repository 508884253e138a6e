/** Entry of the Training webview (bundled to dist/webviews/training.js): wires the page to the host. */
import type { TrainingWebviewState } from '../../src/protocol/webview-training';
import type { WebviewApi } from '../webviewApi';
import { CoalescedRenderer } from './coalescedRenderer';
import { TrainingController } from './controller';
import { DomTrainingView } from './view';

const api = acquireVsCodeApi() as WebviewApi<TrainingWebviewState>;
const root = document.getElementById('root') ?? document.body;
const view = new DomTrainingView(root, {
  onStop: () => controller.stop(),
  onOpenModel: () => controller.openModel(),
  onSelectCell: (truth, predicted) => controller.selectCell(truth, predicted),
});
const controller = new TrainingController(api, new CoalescedRenderer(view), (m) => console.warn(m));
window.addEventListener('message', (event: MessageEvent<unknown>) => controller.receive(event.data));
controller.start();

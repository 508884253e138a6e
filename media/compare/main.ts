/** Entry of the Compare Runs webview (bundled to dist/webviews/compare.js): wires the page to the host. */
import type { CompareWebviewState } from '../../src/protocol/webview-training';
import type { WebviewApi } from '../webviewApi';
import { CompareController } from './controller';
import { DomCompareView } from './view';

const api = acquireVsCodeApi() as WebviewApi<CompareWebviewState>;
const root = document.getElementById('root') ?? document.body;
const view = new DomCompareView(root, (i) => controller.openRun(i));
const controller = new CompareController(api, view, (m) => console.warn(m));
window.addEventListener('message', (event: MessageEvent<unknown>) => controller.receive(event.data));
controller.start();

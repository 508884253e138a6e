/** Entry of the Inspector webview (bundled to dist/webviews/inspector.js): wires the page to the host. */
import type { InspectorWebviewState } from '../../src/protocol/inspect';
import type { WebviewApi } from '../webviewApi';
import { InspectorController } from './controller';
import { InspectorPage } from './page';

const api = acquireVsCodeApi() as WebviewApi<InspectorWebviewState>;
const page = new InspectorPage(document.getElementById('root') ?? document.body);
const controller = new InspectorController(api, page, (m) => console.warn(m));
page.attach(controller);
window.addEventListener('message', (event: MessageEvent<unknown>) => controller.receive(event.data));
controller.start();

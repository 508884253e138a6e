/**
 * Base of our webview panels: sets the options (scripts on, resources limited to dist/ and media/), writes
 * the CSP'd HTML, validates incoming messages with the shared MessageHandler (malformed ones are logged and
 * dropped), and tracks the page's `ready` handshake so nothing is posted to a page that is not listening.
 */
import * as vscode from 'vscode';
import { MessageHandler, type Message } from '../protocol/messageHandler';
import { previewMessage } from '../protocol/preview';
import { createNonce, webviewHtml } from './html';

export interface PanelAssets {
  /** Bundle name: dist/webviews/<bundle>.js, built from media/<bundle>/main.ts. */
  bundle: string;
  /** Stylesheets relative to the extension root, e.g. 'media/summary/summary.css'. */
  styles: string[];
}

/** Webview options for our panels (also used by createWebviewPanel). */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export abstract class WebviewPanelHost<ToWebview extends Message, FromWebview extends Message> implements vscode.Disposable {
  protected readonly disposables: vscode.Disposable[] = [];
  /** Validated, typed messages from the page: subclasses register their handlers with `messages.on`. */
  protected readonly messages: MessageHandler<ToWebview, FromWebview>;
  private ready = false;
  private disposed = false;

  protected constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    assets: PanelAssets,
    accept: (raw: unknown) => raw is FromWebview,
    protected readonly log: vscode.LogOutputChannel,
  ) {
    const webview = panel.webview;
    this.messages = new MessageHandler<ToWebview, FromWebview>(
      (m) => void webview.postMessage(m),
      accept,
      (raw) => log.warn(`Ignored a malformed message from webview ${panel.viewType}: ${previewMessage(raw)}`),
    );
    // Every `ready` (first load, and again after the page was hidden and re-created) gets the current state.
    this.messages.on('ready' as FromWebview['type'], () => {
      this.ready = true;
      this.onReady();
    });
    webview.options = panelOptions(extensionUri);
    const asUri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      title: panel.title,
      scripts: [asUri('dist', 'webviews', `${assets.bundle}.js`)],
      styles: assets.styles.map((s) => asUri(...s.split('/'))),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw) => this.messages.receive(raw)),
      // Without retainContextWhenHidden a hidden webview is destroyed; it says `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Called on every `ready` from the page: send it the current state. */
  protected abstract onReady(): void;

  /** Posts to the page if it is listening; returns whether it was sent. */
  protected post(message: ToWebview): boolean {
    if (!this.ready || this.disposed) return false;
    this.messages.send(message);
    return true;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

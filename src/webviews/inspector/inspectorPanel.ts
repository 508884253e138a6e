/**
 * "CNN Lab: Inspect Run": one panel per run folder that forwards the page's requests to the trainer worker
 * (InspectClient) and posts the answers back; picks image files from the workspace; reveals layers in the model
 * snapshot. Restored after a window reload by InspectorPanelSerializer from the run folder the page saved.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { BackendSetting } from '../../config';
import type { FromInspectorWebview, InspectRequest, RunInfo, ToInspectorWebview } from '../../protocol/inspect';
import { isFromInspectorWebview } from '../../protocol/inspectValidate';
import { RUN_FILES } from '../../trainer/runs/store';
import { panelOptions, WebviewPanelHost } from '../panelHost';
import { InspectClient, type InspectPort, type InspectTask } from './inspectClient';
import { INSPECTOR_VIEW_TYPE } from './inspectorIds';


export interface InspectorPanelDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** The channel to the trainer worker (started lazily by whoever owns it). */
  port: () => InspectPort;
  backend: () => BackendSetting;
  /** The `cnnlab.maxImagePixels` setting (undefined: the environment's or the default limit). */
  maxImagePixels: () => number | undefined;
  /** Data-parallel workers for the heavy views (the `cnnlab.workers` setting, as training uses it). */
  workers: () => number;
  /** Install prefixes that may hold tfjs-node, and the dataset cache (as training uses them). */
  extraModulePaths?: string[];
  cacheDir?: string;
}

export class InspectorPanel extends WebviewPanelHost<ToInspectorWebview, FromInspectorWebview> {
  private static readonly panels = new Map<string, InspectorPanel>();
  private static lastShown: InspectorPanel | undefined;
  private client: InspectClient | undefined;
  private info: RunInfo | undefined;
  private opening: Promise<void> | undefined;
  private readonly tasks = new Map<number, InspectTask>();
  /** A layer asked for while the page was not listening (hidden, reloading, or still opening the run). */
  private pendingLayer: number | undefined;

  /** Shows the inspector of `runDir`, creating it if needed. */
  static show(deps: InspectorPanelDeps, runDir: string): InspectorPanel {
    const existing = InspectorPanel.panels.get(runDir);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(INSPECTOR_VIEW_TYPE, panelTitle(runDir), vscode.ViewColumn.Beside, panelOptions(deps.extensionUri));
    return new InspectorPanel(panel, deps, runDir);
  }

  /** Re-attaches a panel restored after a window reload. */
  static revive(panel: vscode.WebviewPanel, deps: InspectorPanelDeps, runDir: string | undefined): InspectorPanel {
    if (runDir) InspectorPanel.panels.get(runDir)?.dispose();
    return new InspectorPanel(panel, deps, runDir);
  }

  /** The inspector of `runDir`, or else the most recently shown one (for "show this layer's maps" from the editor). */
  static find(runDir?: string): InspectorPanel | undefined {
    if (runDir) return InspectorPanel.panels.get(runDir);
    return InspectorPanel.lastShown ?? [...InspectorPanel.panels.values()].pop();
  }

  private constructor(panel: vscode.WebviewPanel, private readonly deps: InspectorPanelDeps, private readonly runDir: string | undefined) {
    super(panel, deps.extensionUri, { bundle: 'inspector', styles: ['media/components/base.css', 'media/inspector/inspector.css'] }, isFromInspectorWebview, deps.log);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'cnn-file.svg');
    if (runDir) InspectorPanel.panels.set(runDir, this);
    this.messages.on('request', (m) => this.forward(m.id, m.request));
    this.messages.on('cancel', (m) => this.tasks.get(m.id)?.cancel());
    this.messages.on('pickFile', (m) => void this.pickFile(m.id, m.topK));
    this.messages.on('revealLayer', (m) => void this.revealLayer(m.layer));
    this.disposables.push(panel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) InspectorPanel.lastShown = this;
    }));
    InspectorPanel.lastShown = this;
  }

  protected onReady(): void {
    if (!this.runDir || !existsSync(join(this.runDir, RUN_FILES.model))) {
      this.post({ type: 'empty', message: this.runDir ? `${this.runDir} is not a run folder (or no longer exists).` : 'No run to inspect.' });
      return;
    }
    if (this.info) this.postRun(this.info);
    else void this.open(this.runDir);
  }

  /** Asks the page to show the feature maps of a layer (the editor's "show maps" on a layer line). */
  showLayer(layer: number): void {
    this.panel.reveal(undefined, true);
    this.pendingLayer = layer;
    if (this.info) this.postRun(this.info, false);
  }

  /** The run (unless the page has it), then the layer the editor asked for, if any. */
  private postRun(info: RunInfo, withInfo = true): void {
    if (withInfo && !this.post({ type: 'run', info })) return;
    if (this.pendingLayer !== undefined && this.post({ type: 'showLayer', layer: this.pendingLayer })) this.pendingLayer = undefined;
  }

  private open(runDir: string): Promise<void> {
    this.opening ??= (async () => {
      const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
      const request: InspectRequest = { kind: 'open', runDir, backend: this.deps.backend(), maxImagePixels: this.deps.maxImagePixels(), workers: this.deps.workers(), extraModulePaths: this.deps.extraModulePaths, cacheDir: this.deps.cacheDir, searchPaths: folders };
      try {
        const result = await this.inspector().request(request, (done, total, message) => this.post({ type: 'progress', id: 0, done, total, message })).result;
        if (result.kind !== 'open') throw new Error(`unexpected answer ${result.kind}`);
        this.info = result.info;
        this.postRun(result.info);
      } catch (e) {
        this.opening = undefined;
        this.post({ type: 'empty', message: `Cannot inspect this run: ${e instanceof Error ? e.message : String(e)}` });
      }
    })();
    return this.opening;
  }

  private async forward(id: number, request: InspectRequest): Promise<void> {
    if (this.runDir) await this.open(this.runDir);
    const task = this.inspector().request(request, (done, total, message) => this.post({ type: 'progress', id, done, total, message }));
    this.tasks.set(id, task);
    try {
      this.post({ type: 'result', id, result: await task.result });
    } catch (e) {
      this.post({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });
    } finally {
      this.tasks.delete(id);
    }
  }

  private async pickFile(id: number, topK: number): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: { Images: ['png', 'jpg', 'jpeg'] },
      openLabel: 'Inspect',
    });
    if (picked?.[0]) await this.forward(id, { kind: 'input', input: { kind: 'file', path: picked[0].fsPath }, topK });
    else this.post({ type: 'error', id, message: 'No image file chosen.' });
  }

  private async revealLayer(layer: number): Promise<void> {
    const line = this.info?.layers.find((l) => l.index === layer)?.line;
    if (!this.runDir || line === undefined) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(this.runDir, RUN_FILES.model)));
    const position = new vscode.Position(line, 0);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: true, selection: new vscode.Range(position, position) });
  }

  private inspector(): InspectClient {
    this.client ??= new InspectClient(this.deps.port());
    return this.client;
  }

  override dispose(): void {
    if (this.runDir && InspectorPanel.panels.get(this.runDir) === this) InspectorPanel.panels.delete(this.runDir);
    if (InspectorPanel.lastShown === this) InspectorPanel.lastShown = undefined;
    this.tasks.forEach((t) => t.cancel());
    this.client?.dispose();
    super.dispose();
  }
}

/** `Inspect: shapes (2026-11-21_23-44-42)`. */
function panelTitle(runDir: string): string {
  return `Inspect: ${basename(dirname(runDir))} (${basename(runDir)})`;
}

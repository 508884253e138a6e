/**
 * The "Runs" tree of the CNN Lab activity-bar container: runs grouped by model, refreshed when run folders
 * change on disk (file-system watchers on the runs roots, debounced) and when this window starts or ends a run.
 */
import { isAbsolute, relative } from 'node:path';
import * as vscode from 'vscode';
import { RUN_COMMANDS } from '../../training/ids';
import type { LiveRuns } from '../../training/liveRuns';
import { RunIndex } from './runIndex';
import { groupRuns, type ModelGroup, type RunItem } from './runTree';

export type RunsTreeNode = ModelGroup | RunItem;


/** A runs root and, when it is inside a workspace folder, that folder (watchers are cheaper there). */
export interface RunsRoot {
  path: string;
  workspaceFolder?: vscode.WorkspaceFolder;
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly index = new RunIndex();
  private groups: ModelGroup[] | undefined;
  private watchers: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly roots: () => RunsRoot[],
    private readonly live: LiveRuns,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const unsubscribe = live.subscribe({
      onEvent: (_dir, event) => event.type === 'started' && this.refreshSoon(),
      onEnd: () => this.refreshSoon(),
    });
    this.disposables.push({ dispose: unsubscribe }, this.changed);
    this.watchRoots();
  }

  /** Re-creates the watchers (the runs directory setting or the workspace folders changed) and refreshes. */
  watchRoots(): void {
    this.watchers.forEach((w) => w.dispose());
    this.watchers = this.roots().flatMap((root) => this.watch(root));
    this.refresh();
  }

  /** Re-reads the runs now. */
  refresh(): void {
    this.groups = undefined;
    this.changed.fire(undefined);
  }

  /** Re-reads the runs after a quiet moment (a training run rewrites its files every epoch). */
  refreshSoon(delayMs = 400): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), delayMs);
  }

  /** Every run row currently in the tree. */
  allRuns(): RunItem[] {
    return this.load().flatMap((g) => g.runs);
  }

  getChildren(node?: RunsTreeNode): RunsTreeNode[] {
    if (!node) return this.load();
    return node.kind === 'model' ? node.runs : [];
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    if (node.kind === 'model') {
      const item = new vscode.TreeItem(node.model, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `model:${node.model}`;
      item.description = node.description;
      item.iconPath = new vscode.ThemeIcon('symbol-class');
      item.contextValue = 'cnnlab.runModel';
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${node.dir}`;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon, statusColor(node.status));
    item.contextValue = node.contextValue;
    item.resourceUri = vscode.Uri.file(node.dir);
    item.command = { command: RUN_COMMANDS.openPanel, title: 'Open Training Panel', arguments: [node] };
    return item;
  }

  private load(): ModelGroup[] {
    if (!this.groups) {
      try {
        this.groups = groupRuns(this.index.collect(this.roots().map((r) => r.path)), this.live.dirs);
      } catch (e) {
        this.log.error('Runs view: reading the run folders failed', e);
        this.groups = [];
      }
    }
    return this.groups;
  }

  private watch(root: RunsRoot): vscode.Disposable[] {
    // Inside a workspace folder, a pattern relative to it also sees the runs root being created later.
    const rel = root.workspaceFolder ? relative(root.workspaceFolder.uri.fsPath, root.path).split('\\').join('/') : '';
    const base = root.workspaceFolder && rel && !rel.startsWith('..') && !isAbsolute(rel) ? root.workspaceFolder : vscode.Uri.file(root.path);
    const prefix = base === root.workspaceFolder ? `${rel}/` : '';
    return [`${prefix}**/summary.json`, `${prefix}*/*`].map((glob) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, glob));
      const onChange = (): void => this.refreshSoon();
      watcher.onDidCreate(onChange);
      watcher.onDidChange(onChange);
      watcher.onDidDelete(onChange);
      return watcher;
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watchers.forEach((w) => w.dispose());
    this.disposables.forEach((d) => d.dispose());
  }
}

function statusColor(status: RunItem['status']): vscode.ThemeColor | undefined {
  switch (status) {
    case 'done':
      return new vscode.ThemeColor('testing.iconPassed');
    case 'failed':
      return new vscode.ThemeColor('testing.iconFailed');
    case 'interrupted':
      return new vscode.ThemeColor('list.warningForeground');
    default:
      return undefined;
  }
}

/**
 * Everything of "Train Model", the training and compare panels, the runs view and the native backend install,
 * registered at once: extension.ts calls registerTraining(context, services) and gets back what the inspector
 * shares (the one trainer worker, the runs of the runs view).
 */
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { resolveRunsDirectory, type CnnLabConfig } from '../config';
import type { ModelDocuments } from '../language/vscode/modelDocuments';
import { TrainerClient } from '../trainer/client';
import { DEFAULT_WORKERS } from '../trainer/parallel/cores';
import { ComparePanel, ComparePanelSerializer, type ComparePanelDeps } from '../webviews/runs/comparePanel';
import { registerRunsCommands } from '../webviews/runs/runsCommands';
import type { RunItem } from '../webviews/runs/runTree';
import { RunsTreeProvider, type RunsRoot } from '../webviews/runs/runsTreeProvider';
import { TrainingPanel, type TrainingPanelDeps } from '../webviews/training/trainingPanel';
import { TrainingPanelSerializer } from '../webviews/training/trainingSerializer';
import { trainerPort } from './clientPort';
import { evaluateWithProgress } from './evaluateCommand';
import { downloadWeightsCommand } from './downloadWeightsCommand';
import { installBackendCommand } from './installBackendCommand';
import { COMPARE_VIEW_TYPE, RUNS_VIEW_ID, TRAINING_COMMANDS, TRAINING_VIEW_TYPE } from './ids';
import { LiveRuns } from './liveRuns';
import { TrainingOrchestrator } from './orchestrator';
import { exportRun, importWeights } from './pytorch/exportImportCommands';
import { trainWithPyTorch } from './pytorch/trainWithPyTorch';
import { trainModel } from './trainCommand';
import { VscodeTrainingUi } from './vscodeTrainingUi';

export interface TrainingServices {
  documents: ModelDocuments;
  config: () => CnnLabConfig;
  log: vscode.LogOutputChannel;
  /** Folders in the extension's global storage. */
  storage: ExtensionStorage;
}

export interface ExtensionStorage {
  /** Dataset download / decode cache. */
  cacheDir: string;
  /** Install prefix of native TensorFlow ("CNN Lab: Install Native TensorFlow Backend"). */
  nativeBackendDir: string;
}

/** What other features share with training. */
export interface TrainingHandles {
  /** The one trainer worker's client (started on first use). */
  client(): TrainerClient;
  /** The runs the runs view shows. */
  runs(): RunItem[];
}

export function registerTraining(context: vscode.ExtensionContext, services: TrainingServices): TrainingHandles {
  const { log, config, storage } = services;
  const live = new LiveRuns();
  // The one trainer worker, started on the first run (TensorFlow.js never loads on this thread).
  let client: TrainerClient | undefined;
  const getClient = (): TrainerClient => (client ??= new TrainerClient({ workerPath: join(context.extensionPath, 'dist', 'worker.js'), log: (m) => log.info(m) }));
  const trainer = trainerPort(getClient);

  // `orchestrator` is created below; panels only call it on a click, after activation.
  const panelDeps: TrainingPanelDeps = { extensionUri: context.extensionUri, log, live, stopStarting: () => orchestrator.stopActive() };
  const openPanel = (runDir: string, preserveFocus = false): void => void TrainingPanel.show(panelDeps, runDir, preserveFocus);
  const compareDeps: ComparePanelDeps = { extensionUri: context.extensionUri, log, openRun: (dir) => openPanel(dir) };

  const statusBar = vscode.window.createStatusBarItem('cnnlab.training', vscode.StatusBarAlignment.Left, 50);
  statusBar.name = 'CNN Lab Training';
  statusBar.command = TRAINING_COMMANDS.showActiveRun;
  const ui = new VscodeTrainingUi({
    statusBar, openPanel, log,
    openStartingPanel: (name, task) => void TrainingPanel.showStarting(panelDeps, name, task),
    startingFailed: (name, message) => TrainingPanel.startFailed(name, message),
  });
  const orchestrator = new TrainingOrchestrator(trainer, ui, log, live);

  const extraRoots = new Set<string>();
  const roots = (): RunsRoot[] => runsRoots(config(), extraRoots);
  const tree = new RunsTreeProvider(roots, live, log);
  const watchRunsRoot = (path: string): void => {
    if (roots().some((r) => r.path === path)) return;
    extraRoots.add(path);
    tree.watchRoots();
  };
  const pytorchOutput = vscode.window.createOutputChannel('CNN Lab: PyTorch');
  const treeView = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });

  context.subscriptions.push(
    statusBar,
    tree,
    treeView,
    { dispose: () => void client?.dispose() },
    vscode.window.registerWebviewPanelSerializer(TRAINING_VIEW_TYPE, new TrainingPanelSerializer(panelDeps)),
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, new ComparePanelSerializer(compareDeps)),
    vscode.commands.registerCommand(TRAINING_COMMANDS.trainModel, (uri?: unknown) =>
      trainModel({
        documents: services.documents, config, orchestrator,
        cacheDir: storage.cacheDir,
        extraModulePaths: [storage.nativeBackendDir],
        onRunsRoot: watchRunsRoot,
      }, uri),
    ),
    pytorchOutput,
    vscode.commands.registerCommand(TRAINING_COMMANDS.trainWithPyTorch, (uri?: unknown) =>
      trainWithPyTorch({ config, live, openPanel: (dir) => openPanel(dir), onRunsRoot: watchRunsRoot, refreshRuns: () => tree.refresh(), log, output: pytorchOutput }, uri),
    ),
    vscode.commands.registerCommand(TRAINING_COMMANDS.importWeights, () =>
      importWeights({
        cliPath: join(context.extensionPath, 'dist', 'cli.js'),
        runsDirectory: (model) => resolveRunsDirectory(config().runsDirectory, vscode.workspace.getWorkspaceFolder(model)?.uri.fsPath),
        onImported: (runDir) => {
          watchRunsRoot(dirname(dirname(runDir)));
          tree.refresh();
        },
        log,
      }),
    ),
    vscode.commands.registerCommand(TRAINING_COMMANDS.stopTraining, () => {
      if (!orchestrator.stopActive()) void vscode.window.showInformationMessage('No model is training.');
    }),
    vscode.commands.registerCommand(TRAINING_COMMANDS.showActiveRun, () => {
      const [dir] = live.dirs;
      if (dir) openPanel(dir);
      else void vscode.commands.executeCommand(`${RUNS_VIEW_ID}.focus`);
    }),
    vscode.commands.registerCommand(TRAINING_COMMANDS.installNativeBackend, () => installBackendCommand(storage.nativeBackendDir, log)),
    vscode.commands.registerCommand(TRAINING_COMMANDS.downloadPretrainedWeights, () => downloadWeightsCommand(log)),
    vscode.commands.registerCommand(TRAINING_COMMANDS.openRunFolder, async (uri?: unknown) => {
      const folder = uri instanceof vscode.Uri ? uri : (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Open a run folder (runs/<model>/<timestamp>)' }))?.[0];
      if (folder) openPanel(folder.fsPath);
    }),
    ...registerRunsCommands({
      tree, live, log,
      openPanel: (dir) => openPanel(dir),
      compare: (dirs) => void ComparePanel.show(compareDeps, dirs),
      exportRun: (run) => exportRun(run, log),
      evaluate: (run) => evaluateWithProgress(getClient(), {
        runDir: run.dir,
        backend: config().backend,
        searchPaths: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
        cacheDir: storage.cacheDir,
        maxImagePixels: config().maxImagePixels,
        workers: config().workers ?? DEFAULT_WORKERS,
        extraModulePaths: [storage.nativeBackendDir],
      }, `${run.model} · ${run.label}`, log),
    }),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('cnnlab.runsDirectory') && tree.watchRoots()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => tree.watchRoots()),
  );
  return { client: getClient, runs: () => tree.allRuns() };
}

/** The runs folder of every workspace folder, plus folders runs were written to in this session. */
function runsRoots(config: CnnLabConfig, extra: ReadonlySet<string>): RunsRoot[] {
  const roots: RunsRoot[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const path = resolveRunsDirectory(config.runsDirectory, folder.uri.fsPath);
    if (path && !roots.some((r) => r.path === path)) roots.push({ path, workspaceFolder: folder });
  }
  for (const path of extra) if (!roots.some((r) => r.path === path)) roots.push({ path });
  return roots;
}

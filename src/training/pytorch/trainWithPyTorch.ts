/**
 * "CNN Lab: Train with PyTorch": exports the model file (model.py, train.py… without weights) next to the runs
 * folder, starts torchrun on it (`cnnlab.pytorch.*` settings), and follows the run folder train.py announces: the
 * training panel shows it live from its growing metrics.jsonl, the runs view lists it, and Stop ends the process
 * group (train.py records the run as stopped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import { resolveRunsDirectory, type CnnLabConfig } from '../../config';
import { ExportError } from '../../export/format';
import { pytorchFormat } from '../../export/pytorch/format';
import { trainPyUnsupported } from '../../export/pytorch/tasks/registry';
import { modelFileSource } from '../../export/source';
import { readRunSummary } from '../../trainer/runs/reader';
import { RUN_FILES, safeName } from '../../trainer/runs/store';
import type { LiveRuns } from '../liveRuns';
import { modelDocument } from '../trainCommand';
import { followMetrics } from './followMetrics';
import { freePort } from './freePort';
import { pythonInterpreter } from './pythonInterpreter';
import { announcedRunFolder, torchrunCommand } from './torchrunCommand';
import { endUnfinishedRun } from './unfinishedRun';

export interface TrainWithPyTorchDeps {
  config: () => CnnLabConfig;
  live: LiveRuns;
  openPanel(runDir: string): void;
  /** Called with the runs folder the run goes to (so the runs view watches it). */
  onRunsRoot(path: string): void;
  refreshRuns(): void;
  log: vscode.LogOutputChannel;
  /** Where torchrun's output goes. */
  output: vscode.OutputChannel;
}

/**
 * Time train.py gets after Stop (SIGTERM) before its process group is killed. It stops before its next batch, but
 * a rank validating or writing a checkpoint finishes that first; torchrun itself waits 30 s for its workers.
 */
const KILL_GRACE_SECONDS = 30;

export async function trainWithPyTorch(deps: TrainWithPyTorchDeps, uri: unknown): Promise<void> {
  const doc = await modelDocument(uri);
  if (!doc) return;
  if (doc.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Save the model file first: Train with PyTorch exports it next to it.');
    return;
  }
  const config = deps.config();
  const modelPath = doc.uri.fsPath;
  const base = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? dirname(modelPath);
  const outDir = resolveRunsDirectory(config.runsDirectory, base) ?? join(base, 'runs');
  let exportDir: string;
  try {
    const source = modelFileSource(doc.getText(), modelPath);
    const unsupported = trainPyUnsupported(source.analysis);
    if (unsupported) throw new ExportError(unsupported);
    exportDir = join(dirname(outDir), 'pytorch', safeName(source.analysis.name));
    await pytorchFormat.write(source, exportDir);
  } catch (e) {
    void vscode.window.showErrorMessage(`Cannot export for PyTorch: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  deps.onRunsRoot(outDir);
  const python = await pythonInterpreter(config.pytorchPython, doc.uri, deps.log);
  const { command, args } = torchrunCommand({ command: config.pytorchCommand, python, nprocPerNode: config.pytorchNprocPerNode, port: await freePort() }, join(exportDir, 'train.py'), outDir);
  deps.output.show(true);
  deps.output.appendLine(`$ ${[command, ...args].join(' ')}`);
  // Its own process group, so that Stop reaches torchrun and every worker it started.
  const child = spawn(command, args, { cwd: exportDir, detached: process.platform !== 'win32', env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  followChild(deps, child);
}

function followChild(deps: TrainWithPyTorchDeps, child: ChildProcess): void {
  let runDir: string | undefined;
  let follower: { poll(): void; dispose(): void } | undefined;
  let stopping = false;
  let killed = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    signal(child, 'SIGTERM');
    // The whole group, even when torchrun already exited: a worker stuck in a collective outlives it.
    killTimer = setTimeout(() => (killed = signal(child, 'SIGKILL')), KILL_GRACE_SECONDS * 1000);
    killTimer.unref();
  };
  const onLine = (line: string): void => {
    deps.output.appendLine(line);
    const announced = announcedRunFolder(line);
    if (!announced || runDir) return;
    runDir = announced;
    const dir = announced;
    deps.live.begin(dir, stop);
    follower = followMetrics(join(dir, RUN_FILES.metrics), (metrics) => deps.live.event(dir, { type: 'progress', metrics }));
    deps.openPanel(dir);
    deps.refreshRuns();
  };
  for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on('line', onLine);
  child.on('error', (e) => {
    deps.output.appendLine(`cannot start ${child.spawnfile}: ${e.message}`);
    void vscode.window.showErrorMessage(`Train with PyTorch could not start ${child.spawnfile} (${e.message}): set cnnlab.pytorch.python or cnnlab.pytorch.command.`);
  });
  child.on('close', (code, sig) => {
    clearTimeout(killTimer);
    follower?.poll();
    follower?.dispose();
    deps.output.appendLine(`torchrun exited (${sig ?? `code ${code}`})`);
    if (runDir) {
      endUnfinishedRun(runDir, { stopping, how: sig ?? `exit code ${code}`, killedAfterSeconds: killed ? KILL_GRACE_SECONDS : undefined });
      const summary = readRunSummary(runDir);
      deps.live.end(runDir, summary ? { runDir, summary } : undefined);
    }
    deps.refreshRuns();
    if (code !== 0 && !stopping) {
      void vscode.window.showErrorMessage(`Train with PyTorch failed (${sig ?? `exit code ${code}`}); see the output.`, 'Show Output').then((choice) => choice && deps.output.show());
    }
  });
}

/** Signals torchrun's process group (torchrun alone on Windows); false when nothing was left to signal. */
function signal(child: ChildProcess, name: NodeJS.Signals): boolean {
  try {
    if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, name);
    else return child.kill(name);
    return true;
  } catch {
    return false; // Already gone.
  }
}

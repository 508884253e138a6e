/**
 * `cnnlab train FILE [--epochs N] [--max-train-samples N] [--max-image-pixels N] [--backend B] [--workers N] [--out DIR] [--json]`:
 * trains in this process with the same engine as the editor's worker (on the wasm engine, --workers data-parallel
 * threads split each batch; default the physical cores). Progress goes to stderr (a bar per epoch on a terminal);
 * Ctrl-C, SIGTERM and SIGHUP stop after the current batch of whatever pass is running and keep the checkpoints; a
 * second one writes the summary (stopped) and exits at once with 128 + the signal number. With --json the last
 * stdout line is one JSON object (the run's figures, or {status: 'failed', error} when it could not run). Exit 0
 * when training completed or was stopped, 1 when the model file has errors or training failed, 2 for usage or
 * unreadable files.
 */
import { formatTestResult } from '../protocol/testResult';
import { resolve } from 'node:path';
import { FILE_LIMITS, readUserText } from '../files/readUserFile';
import { formatDiagnostic } from '../model/report/formatDiagnostic';
import { defaultInstallDir } from '../trainer/backend/install';
import { divergenceMessage, type BackendChoiceName, type BatchMetrics, type EpochMetrics, type RunRequest } from '../protocol/runTypes';
import type { TaskName } from '../model/types';
import { taskFigures } from './taskFigures';
import type { PhaseEvent, RunResult, TrainerEvent } from '../protocol/trainer';
import { ModelFileError, runTraining } from '../trainer/engine/session';
import { DEFAULT_WORKERS } from '../trainer/parallel/cores';
import type { CliCommand } from './commands';
import { parseArgs } from './inspectArgs';
import { StopSignals } from './stopSignals';

const USAGE = 'train FILE [--weights FILE] [--epochs N] [--max-train-samples N] [--max-image-pixels N] [--backend B] [--workers N] [--out DIR] [--json]';

interface TrainArgs {
  file: string;
  epochs?: number;
  maxTrainSamples?: number;
  maxImagePixels?: number;
  weights?: string;
  backend: BackendChoiceName;
  /** Data-parallel workers; default 1 (see DEFAULT_WORKERS). */
  workers: number;
  outDir?: string;
  json: boolean;
}

/** Parses the command line; returns a message for the first problem. */
export function parseTrainArgs(args: string[]): TrainArgs | string {
  const parsed = parseArgs(args, { '--weights': 'string', '--epochs': 'count', '--max-train-samples': 'count', '--max-image-pixels': 'count', '--backend': 'backend', '--workers': 'count', '--out': 'string', '--json': 'flag' });
  if (typeof parsed === 'string') return parsed;
  if (parsed.positional.length !== 1) return 'expected exactly one model file';
  const option = <T>(name: string): T | undefined => parsed.options.get(name) as T | undefined;
  const result: TrainArgs = { file: parsed.positional[0], backend: option<BackendChoiceName>('--backend') ?? 'auto', workers: option<number>('--workers') ?? DEFAULT_WORKERS, json: parsed.options.has('--json') };
  if (parsed.options.has('--epochs')) result.epochs = option<number>('--epochs');
  if (parsed.options.has('--max-train-samples')) result.maxTrainSamples = option<number>('--max-train-samples');
  if (parsed.options.has('--max-image-pixels')) result.maxImagePixels = option<number>('--max-image-pixels');
  if (parsed.options.has('--out')) result.outDir = option<string>('--out');
  if (parsed.options.has('--weights')) result.weights = option<string>('--weights');
  return result;
}

async function run(args: string[]): Promise<number> {
  const parsed = parseTrainArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`cnnlab train: ${parsed}\nUsage: cnnlab ${USAGE}\n`);
    return 2;
  }
  let modelText: string;
  try {
    modelText = readUserText(parsed.file, { maxBytes: FILE_LIMITS.modelFile, what: 'model file' });
  } catch (e) {
    process.stderr.write(`cnnlab train: ${(e as Error).message}\n`);
    return 2;
  }
  const request: RunRequest = {
    modelText,
    modelPath: resolve(parsed.file),
    outDir: parsed.outDir ? resolve(parsed.outDir) : undefined,
    backend: parsed.backend,
    epochs: parsed.epochs,
    workers: parsed.workers,
    maxTrainSamples: parsed.maxTrainSamples,
    maxImagePixels: parsed.maxImagePixels,
    weights: parsed.weights ? resolve(parsed.weights) : undefined,
    // Where `cnnlab install-backend` puts native TensorFlow.
    extraModulePaths: [defaultInstallDir()],
  };
  const progress = new ProgressReporter(process.stderr);
  const stop = new StopSignals((line) => progress.line(line));
  // Set once the run folder exists: a failure after that still names the folder that holds its log and checkpoints.
  let openedDir: string | undefined;
  try {
    const result = await runTraining(request, {
      onEvent: (e) => progress.event(e),
      shouldStop: () => stop.requested,
      onRunOpened: (run) => {
        openedDir = run.dir;
        stop.attach(run);
      },
    });
    report(result, parsed.json);
    return result.summary.status === 'failed' ? 1 : 0;
  } catch (err) {
    progress.end();
    let message = err instanceof Error ? err.message : String(err);
    if (err instanceof ModelFileError) {
      for (const d of err.diagnostics) {
        process.stderr.write(`${formatDiagnostic(d, parsed.file)}\n`);
      }
      message = `${parsed.file} has errors; fix them before training`;
    }
    process.stderr.write(`cnnlab train: ${message}\n`);
    if (openedDir) process.stderr.write(`run folder: ${openedDir}\n`);
    // Tools reading --json still get one object on the last line.
    if (parsed.json) process.stdout.write(`${JSON.stringify(failedJson(message, openedDir))}\n`);
    return 1;
  } finally {
    // Handlers stay until the process exits: signal listeners do not keep it alive.
    stop.ended();
  }
}

/** --json's object for a run that threw: with the run folder when one was opened (its log and checkpoints stay there). */
export function failedJson(error: string, runDir?: string): { status: 'failed'; error: string; runDir?: string } {
  return { status: 'failed', error, ...(runDir ? { runDir } : {}) };
}

/** Final report: a few lines for people on stderr, and the JSON line on stdout with --json. */
function report({ runDir, summary }: RunResult, json: boolean): void {
  const test = summary.test;
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
  const lines = [
    `run folder: ${runDir}`,
    `backend: ${summary.backendDescription}`,
    `${summary.epochsCompleted}/${summary.epochs} epochs, ${summary.trainSamples} training samples, ${summary.samplesPerSecond.toFixed(1)} samples/s`,
    bestLine(summary),
    test ? formatTestResult(test, pct) : '',
    summary.stopReason ? `${summary.status}: ${summary.stopReason}` : '',
    summary.divergence ? `warning: ${divergenceMessage(summary.divergence)}` : '',
  ].filter(Boolean);
  (json ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
  if (json) {
    const out = {
      runDir, backend: summary.backend, epochs: summary.epochsCompleted, trainSamples: summary.trainSamples,
      samplesPerSecond: Math.round(summary.samplesPerSecond * 10) / 10, testAccuracy: test?.accuracy ?? null, testLoss: test?.loss ?? null,
      bestValLoss: summary.bestValLoss, status: summary.status, error: summary.error, task: summary.task ?? 'classification',
      ...taskFigures((summary.task ?? 'classification') as TaskName, summary.test),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  }
}

/** The best epoch and what chose it: a training loss is never printed as a validation loss. */
function bestLine(summary: RunResult['summary']): string {
  if (summary.bestEpoch === null) return '';
  if (summary.bestValLoss !== null) return `best validation loss ${summary.bestValLoss.toFixed(4)} (epoch ${summary.bestEpoch})`;
  return `no validation set: best epoch ${summary.bestEpoch} chosen on the training loss`;
}

/** Progress on stderr: a redrawn bar per epoch on a terminal, one line per epoch otherwise. */
class ProgressReporter {
  private drawn = false;
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.tty = Boolean(stream.isTTY);
  }

  event(e: TrainerEvent): void {
    if (e.type === 'log') this.line(e.level === 'warning' ? `warning: ${e.message}` : e.message);
    else if (e.type === 'phase') this.phase(e);
    else if (e.type === 'started') this.line(`training on ${e.dataset}: ${e.trainSamples} train / ${e.validationSamples} validation / ${e.testSamples} test samples, ${e.epochs} epochs → ${e.runDir}`);
    else if (e.type !== 'progress') return; // the strip of validation images (samples) is for the panel
    else if (e.metrics.kind === 'batch') this.bar(e.metrics);
    else this.epoch(e.metrics);
  }

  line(text: string): void {
    this.end();
    this.stream.write(`${text}\n`);
  }

  end(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }

  private bar(m: BatchMetrics): void {
    if (!this.tty) return;
    const width = 24;
    const done = Math.round((width * m.batch) / m.batches);
    const text = `epoch ${m.epoch} [${'█'.repeat(done)}${'·'.repeat(width - done)}] ${m.batch}/${m.batches} loss ${m.loss.toFixed(4)} ${m.accuracy !== null ? `acc ${m.accuracy.toFixed(3)} ` : ''}${Math.round(m.samplesPerSecond)}/s ETA ${duration(m.etaSeconds)}`;
    this.stream.write(`\r${text.slice(0, (this.stream.columns || 120) - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** An evaluation pass shows no batch progress: say what the wait is for. */
  private phase(e: PhaseEvent): void {
    const text = e.phase === 'test' ? `test pass on ${e.samples} samples…` : `epoch ${e.epoch}: validation on ${e.samples} samples…`;
    if (!this.tty) {
      this.line(text);
      return;
    }
    this.stream.write(`\r${text.slice(0, (this.stream.columns || 120) - 1)}\x1b[K`);
    this.drawn = true;
  }

  private epoch(m: EpochMetrics): void {
    this.line(epochLine(m));
  }
}

/** The line after each epoch: training loss (and accuracy), validation figures the task has, speed, time. */
export function epochLine(m: EpochMetrics): string {
  // The task's own validation metrics, when it has them (reconstruction's MSE, segmentation's mIoU, detection's mAP).
  const extra = ([['val_mse', m.valMse, 5], ['val_miou', m.valMeanIou, 3], ['val_map50', m.valMap50, 3], ['val_map', m.valMap, 3]] as const)
    .map(([key, value, digits]) => (value !== undefined && value !== null ? ` ${key} ${value.toFixed(digits)}` : '')).join('');
  const val = m.valLoss !== null ? ` val_loss ${m.valLoss.toFixed(4)}${partsText(m.valLossParts)}${m.valAccuracy !== null ? ` val_acc ${m.valAccuracy.toFixed(3)}` : ''}${extra}` : '';
  return `epoch ${m.epoch}: loss ${m.loss.toFixed(4)}${partsText(m.lossParts)}${m.accuracy !== null ? ` acc ${m.accuracy.toFixed(3)}` : ''}${val} ${Math.round(m.samplesPerSecond)} samples/s ${m.seconds.toFixed(1)}s${m.best ? ' (best)' : ''}`;
}

/** A loss's parts, short: ` (classes 0.412 boxes 0.301 centerness 0.598)`. */
function partsText(parts: Record<string, number> | undefined): string {
  return parts ? ` (${Object.entries(parts).map(([name, v]) => `${name} ${v.toFixed(3)}`).join(' ')})` : '';
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const trainCommand: CliCommand = {
  name: 'train',
  usage: USAGE,
  summary: 'Train the model on its dataset; writes a run folder (runs/<model>/<time>/)',
  run,
};

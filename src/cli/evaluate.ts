/**
 * `cnnlab evaluate RUN [--checkpoint best|last] [--json] [--weights W] [--backend B] [--workers N] [--max-image-pixels N]`: the test pass on a run's
 * checkpoint (for a run stopped before its test pass), written into the run's summary.json and predictions files;
 * with --weights (a .pth/.pt, .safetensors or another run) the run's model and data with those weights, printed only. Progress goes to
 * stderr; Ctrl-C cancels and leaves the run as it was. Exit 0 on success, 1 when the run cannot be evaluated or
 * the evaluation was cancelled, 2 for usage problems and missing folders. --json adds the task's own figures as
 * `cnnlab train --json` does (detection: testMap50 and testMap, testAccuracy null). --workers splits each test
 * batch among data-parallel workers on the wasm engine, as `cnnlab train --workers` does (same default).
 */
import { resolve } from 'node:path';
import type { BackendChoiceName } from '../protocol/runTypes';
import { formatTestResult } from '../protocol/testResult';
import { initBackend } from '../trainer/backend';
import { defaultInstallDir } from '../trainer/backend/install';
import { evaluateRun } from '../trainer/engine/evaluateRun';
import { DEFAULT_WORKERS } from '../trainer/parallel/cores';
import { weightsPathProblem } from '../weights/sources/registry';
import type { CliCommand } from './commands';
import { errorText, parseArgs, processOutput, type CliOutput } from './inspectArgs';
import { resolveRunArgument } from './runArgument';
import { taskFigures } from './taskFigures';

const USAGE = 'evaluate RUN [--checkpoint best|last] [--json] [--weights W] [--backend B] [--workers N] [--max-image-pixels N]';

/** Runs the command, writing to `io` (process.stdout / stderr from the CLI). */
export async function runEvaluate(args: string[], io: CliOutput = processOutput): Promise<number> {
  const parsed = parseArgs(args, { '--weights': 'string', '--checkpoint': 'checkpoint', '--json': 'flag', '--backend': 'backend', '--workers': 'count', '--max-image-pixels': 'count' });
  const problem = typeof parsed === 'string' ? parsed : parsed.positional.length !== 1 ? 'expected one run folder' : undefined;
  if (problem || typeof parsed === 'string') {
    io.err(`cnnlab evaluate: ${problem}\nUsage: cnnlab ${USAGE}\n`);
    return 2;
  }
  const runDir = resolveRunArgument(parsed.positional[0], 'evaluate', io);
  if (runDir === null) return 2;
  const weights = parsed.options.has('--weights') ? resolve(parsed.options.get('--weights') as string) : undefined;
  const weightsError = weights && weightsPathProblem(weights);
  if (weightsError) {
    io.err(`cnnlab evaluate: ${weightsError}\n`);
    return 2;
  }
  const json = parsed.options.has('--json');
  const cancel = new AbortController();
  const onSigint = (): void => cancel.abort();
  process.on('SIGINT', onSigint);
  try {
    const backend = await initBackend((parsed.options.get('--backend') as BackendChoiceName | undefined) ?? 'auto', { extraModulePaths: [defaultInstallDir()] });
    const result = await evaluateRun(backend.tf, {
      runDir,
      checkpoint: parsed.options.get('--checkpoint') as 'best' | 'last' | undefined,
      maxImagePixels: parsed.options.get('--max-image-pixels') as number | undefined,
      weights,
      workers: (parsed.options.get('--workers') as number | undefined) ?? DEFAULT_WORKERS,
    }, {
      signal: cancel.signal,
      // A status line when it changes; the per-batch counts are for the editor's progress bar.
      onProgress: (message, done) => {
        if (done === undefined || done === 0) io.err(`${message}\n`);
      },
    });
    const { test } = result;
    if (json) {
      io.out(`${JSON.stringify({ runDir, checkpoint: result.checkpoint, ...(weights ? { weights } : {}), backend: backend.name, testAccuracy: test.accuracy, testLoss: test.loss, samples: test.samples, classes: result.classes, perClassAccuracy: test.perClassAccuracy, ...taskFigures(result.task, test) })}\n`);
    } else {
      io.out(`${formatTestResult(test, (x) => `${(100 * x).toFixed(2)}%`)} (${test.samples} images, ${weights ?? `${result.checkpoint}/ checkpoint`})\n`);
      if (!weights) io.out(`written to ${runDir}/summary.json\n`);
    }
    return 0;
  } catch (err) {
    io.err(`cnnlab evaluate: ${errorText(err)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  usage: USAGE,
  summary: "Test accuracy and loss of a run's checkpoint, written into the run (RUN: a run folder, or runs/<model> for its latest run)",
  run: (args) => runEvaluate(args),
};

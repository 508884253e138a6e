/**
 * `cnnlab predict RUN IMAGE [--top-k 3] [--json] [--checkpoint best|last] [--backend B]`: the k most probable
 * classes of an image file for a trained run. Exit 0 on success, 1 when the run or image cannot be used,
 * 2 for usage problems and missing files.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { inputFromFile } from '../inspect/network/input';
import { predict } from '../inspect/network/predict';
import { openRun } from '../inspect/network/runModel';
import type { BackendChoiceName } from '../protocol/runTypes';
import { initBackend } from '../trainer/backend';
import type { CliCommand } from './commands';
import { errorText, parseArgs, processOutput, type CliOutput } from './inspectArgs';
import { resolveRunArgument } from './runArgument';

const USAGE = 'predict RUN IMAGE [--top-k 3] [--json] [--checkpoint best|last] [--backend B]';

/** Runs the command, writing to `io` (process.stdout / stderr from the CLI). */
export async function runPredict(args: string[], io: CliOutput = processOutput): Promise<number> {
  const parsed = parseArgs(args, { '--top-k': 'count', '--json': 'flag', '--checkpoint': 'checkpoint', '--backend': 'backend' });
  const problem = typeof parsed === 'string' ? parsed : parsed.positional.length !== 2 ? 'expected a run folder and an image file' : undefined;
  if (problem || typeof parsed === 'string') {
    io.err(`cnnlab predict: ${problem}\nUsage: cnnlab ${USAGE}\n`);
    return 2;
  }
  const runDir = resolveRunArgument(parsed.positional[0], 'predict', io);
  const image = resolve(parsed.positional[1]);
  if (runDir === null) return 2;
  if (!existsSync(image)) {
    io.err(`cnnlab predict: ${image} does not exist\n`);
    return 2;
  }
  const k = (parsed.options.get('--top-k') as number | undefined) ?? 3;
  const json = parsed.options.has('--json');
  try {
    const backend = await initBackend((parsed.options.get('--backend') as BackendChoiceName | undefined) ?? 'auto');
    const inspectable = await openRun(backend.tf, runDir, parsed.options.get('--checkpoint') as 'best' | 'last' | undefined);
    inspectable.notices.forEach((notice) => io.err(`${notice}\n`));
    try {
      const predictions = await predict(inspectable, await inputFromFile(image, inspectable.input, inspectable.normalize), k);
      if (json) {
        const payload = { runDir, image, checkpoint: inspectable.checkpoint, backend: backend.name, predictions: predictions.map((p) => ({ class: p.className, index: p.classIndex, probability: p.probability })) };
        io.out(`${JSON.stringify(payload)}\n`);
      } else {
        const width = Math.max(...predictions.map((p) => p.className.length), 5);
        predictions.forEach((p, i) => io.out(`${String(i + 1).padStart(2)}. ${p.className.padEnd(width)} ${(100 * p.probability).toFixed(2).padStart(6)}%\n`));
      }
      return 0;
    } finally {
      inspectable.dispose();
    }
  } catch (err) {
    io.err(`cnnlab predict: ${errorText(err)}\n`);
    return 1;
  }
}

export const predictCommand: CliCommand = {
  name: 'predict',
  usage: USAGE,
  summary: 'Top-k predictions of a trained run for an image file (RUN: a run folder, or runs/<model> for its latest run)',
  run: (args) => runPredict(args),
};

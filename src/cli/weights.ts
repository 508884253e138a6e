/**
 * `cnnlab weights download NAME [--dir DIR]`: torchvision's ImageNet weights for a zoo model, into torch hub's
 * checkpoint folder (or DIR), with progress and the published SHA-256 checked; kept as is when already there.
 * Offline, it says which URL to fetch and where to put the file. Exit 0 with the file's path on stdout, 1 when the
 * download fails, 2 for usage problems.
 */
import { resolve } from 'node:path';
import type { FetchLike } from '../trainer/datasets/types';
import { downloadZooWeights } from '../weights/downloadZooWeights';
import { ZOO_WEIGHTS } from '../weights/zooWeights';
import type { CliCommand } from './commands';
import { errorText, parseArgs, processOutput, type CliOutput } from './inspectArgs';

const USAGE = 'weights download NAME [--dir DIR]';

/** `fetch` replaces the network in tests. */
export async function runWeights(args: string[], io: CliOutput = processOutput, fetch?: FetchLike): Promise<number> {
  const parsed = parseArgs(args, { '--dir': 'string' });
  const names = Object.keys(ZOO_WEIGHTS).join(', ');
  const problem = typeof parsed === 'string' ? parsed
    : parsed.positional[0] !== 'download' || parsed.positional.length !== 2 ? 'expected: weights download NAME'
    : ZOO_WEIGHTS[parsed.positional[1]] ? undefined : `no published weights for '${parsed.positional[1]}' (known: ${names})`;
  if (problem || typeof parsed === 'string') {
    io.err(`cnnlab weights: ${problem}\nUsage: cnnlab ${USAGE}\n`);
    return 2;
  }
  try {
    const result = await downloadZooWeights(parsed.positional[1], {
      dir: parsed.options.has('--dir') ? resolve(parsed.options.get('--dir') as string) : undefined,
      fetch,
      onProgress: (message, fraction) => io.err(`${message}${fraction === undefined ? '' : ` ${(100 * fraction).toFixed(0)}%`}\n`),
    });
    if (result.cached) io.err(`already downloaded: ${result.path}\n`);
    io.out(`${result.path}\n`);
    return 0;
  } catch (err) {
    io.err(`cnnlab weights: ${errorText(err)}\n`);
    return 1;
  }
}

export const weightsCommand: CliCommand = {
  name: 'weights',
  usage: USAGE,
  summary: "torchvision's ImageNet weights for a zoo model (examples/zoo), into torch hub's cache with their SHA-256 checked",
  run: (args) => runWeights(args),
};

/**
 * `cnnlab inspect RUN --image FILE --out DIR [--class C] [--patch N] [--stride N] [--checkpoint best|last]
 * [--backend B] [--max-image-pixels N] [--json]`: writes the inspector's pictures as PNG files: the input, feature maps of every layer,
 * the filters of every Conv2d, saliency and occlusion maps for a class (default: the predicted one), plus
 * index.json describing them. Exit 0 on success, 1 when the run or image cannot be used, 2 for usage problems.
 */
import { resolve } from 'node:path';
import { pathProblem } from '../files/readUserFile';
import { writeInspection, type InspectionOptions } from '../inspect/report/writeInspection';
import type { BackendChoiceName } from '../protocol/runTypes';
import { initBackend } from '../trainer/backend';
import type { CliCommand } from './commands';
import { errorText, parseArgs, processOutput, type CliOutput } from './inspectArgs';
import { resolveRunArgument } from './runArgument';

const USAGE = 'inspect RUN --image FILE --out DIR [--class C] [--patch N] [--stride N] [--checkpoint best|last] [--backend B] [--max-image-pixels N] [--json]';

/** Runs the command, writing to `io` (process.stdout / stderr from the CLI). */
export async function runInspect(args: string[], io: CliOutput = processOutput): Promise<number> {
  const parsed = parseArgs(args, {
    '--image': 'string', '--out': 'string', '--class': 'string', '--patch': 'count', '--stride': 'count', '--checkpoint': 'checkpoint', '--backend': 'backend', '--max-image-pixels': 'count', '--json': 'flag',
  });
  const problem = typeof parsed === 'string' ? parsed
    : parsed.positional.length !== 1 ? 'expected one run folder'
    : !parsed.options.has('--image') ? '--image FILE is required'
    : !parsed.options.has('--out') ? '--out DIR is required' : undefined;
  if (problem || typeof parsed === 'string') {
    io.err(`cnnlab inspect: ${problem}\nUsage: cnnlab ${USAGE}\n`);
    return 2;
  }
  const runDir = resolveRunArgument(parsed.positional[0], 'inspect', io);
  const image = resolve(parsed.options.get('--image') as string);
  if (runDir === null) return 2;
  const pathError = pathProblem(image, 'file');
  if (pathError) {
    io.err(`cnnlab inspect: ${pathError}\n`);
    return 2;
  }
  const options: InspectionOptions = {
    runDir,
    image,
    outDir: resolve(parsed.options.get('--out') as string),
    className: parsed.options.get('--class') as string | undefined,
    patch: parsed.options.get('--patch') as number | undefined,
    stride: parsed.options.get('--stride') as number | undefined,
    checkpoint: parsed.options.get('--checkpoint') as 'best' | 'last' | undefined,
    maxImagePixels: parsed.options.get('--max-image-pixels') as number | undefined,
  };
  const json = parsed.options.has('--json');
  try {
    const backend = await initBackend((parsed.options.get('--backend') as BackendChoiceName | undefined) ?? 'auto');
    const index = await writeInspection(backend.tf, options, (line) => {
      if (!json) io.err(`${line}\n`);
    });
    index.notices.forEach((notice) => io.err(`${notice}\n`));
    if (json) io.out(`${JSON.stringify({ ...index, backend: backend.name })}\n`);
    else io.out(`wrote ${index.files.length} files to ${options.outDir}\n`);
    return 0;
  } catch (err) {
    io.err(`cnnlab inspect: ${errorText(err)}\n`);
    return 1;
  }
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  usage: USAGE,
  summary: 'Feature maps, filters, saliency and occlusion of a run as PNG files (RUN: a run folder, or runs/<model> for its latest run)',
  run: (args) => runInspect(args),
};

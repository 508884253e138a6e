/**
 * `cnnlab inspect RUN --image FILE --out DIR [--views a,b,c] [--class C] [--layer N] [--patch N] [--stride N]
 * [--weights W] [--checkpoint best|last] [--backend B] [--max-image-pixels N] [--json]`: writes the inspector's pictures as PNG
 * files: the input and each chosen view (feature maps, filters, saliency, occlusion, Grad-CAM, guided backprop,
 * receptive fields, embedding, …; see report/inspectionViews) for a class (default: the predicted one), plus
 * index.json describing them and index.html showing them. Exit 0 on success, 1 when the run or image cannot be
 * used, 2 for usage problems.
 */
import { resolve } from 'node:path';
import { pathProblem } from '../files/readUserFile';
import { DEFAULT_VIEWS, isViewName, VIEW_NAMES, type ViewName } from '../inspect/report/inspectionViews';
import { writeInspection, type InspectionOptions } from '../inspect/report/writeInspection';
import type { BackendChoiceName } from '../protocol/runTypes';
import { initBackend } from '../trainer/backend';
import { weightsPathProblem } from '../weights/sources/registry';
import type { CliCommand } from './commands';
import { errorText, parseArgs, processOutput, type CliOutput } from './inspectArgs';
import { resolveRunArgument } from './runArgument';

const USAGE = 'inspect RUN --image FILE --out DIR [--weights W] [--views a,b,c] [--class C] [--layer N] [--patch N] [--stride N] [--checkpoint best|last] [--backend B] [--max-image-pixels N] [--json]';
const VIEWS_HELP = `--views: any of ${VIEW_NAMES.join(', ')} (default ${DEFAULT_VIEWS.join(',')})`;

/** The --views list, or a message naming the unknown view. */
function parseViews(text: string | undefined): ViewName[] | string | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
  const unknown = names.find((v) => !isViewName(v));
  if (unknown !== undefined || names.length === 0) return `unknown view '${unknown ?? text}' in --views; ${VIEWS_HELP}`;
  return [...new Set(names as ViewName[])];
}

/** Runs the command, writing to `io` (process.stdout / stderr from the CLI). */
export async function runInspect(args: string[], io: CliOutput = processOutput): Promise<number> {
  const parsed = parseArgs(args, {
    '--image': 'string', '--out': 'string', '--weights': 'string', '--views': 'string', '--layer': 'count', '--class': 'string', '--patch': 'count', '--stride': 'count', '--checkpoint': 'checkpoint', '--backend': 'backend', '--max-image-pixels': 'count', '--json': 'flag',
  });
  const views = typeof parsed === 'string' ? undefined : parseViews(parsed.options.get('--views') as string | undefined);
  const problem = typeof parsed === 'string' ? parsed
    : parsed.positional.length !== 1 ? 'expected one run folder'
    : !parsed.options.has('--image') ? '--image FILE is required'
    : !parsed.options.has('--out') ? '--out DIR is required'
    : typeof views === 'string' ? views : undefined;
  if (problem || typeof parsed === 'string' || typeof views === 'string') {
    io.err(`cnnlab inspect: ${problem}\nUsage: cnnlab ${USAGE}\n${VIEWS_HELP}\n`);
    return 2;
  }
  const runDir = resolveRunArgument(parsed.positional[0], 'inspect', io);
  const image = resolve(parsed.options.get('--image') as string);
  if (runDir === null) return 2;
  const weights = parsed.options.has('--weights') ? resolve(parsed.options.get('--weights') as string) : undefined;
  const pathError = pathProblem(image, 'file') ?? (weights && weightsPathProblem(weights));
  if (pathError) {
    io.err(`cnnlab inspect: ${pathError}\n`);
    return 2;
  }
  const options: InspectionOptions = {
    runDir,
    image,
    outDir: resolve(parsed.options.get('--out') as string),
    className: parsed.options.get('--class') as string | undefined,
    views,
    layer: parsed.options.get('--layer') as number | undefined,
    patch: parsed.options.get('--patch') as number | undefined,
    stride: parsed.options.get('--stride') as number | undefined,
    checkpoint: parsed.options.get('--checkpoint') as 'best' | 'last' | undefined,
    weights,
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
  summary: 'Feature maps, filters, saliency, occlusion, Grad-CAM, guided backprop, receptive fields and the embedding of a run as PNG files with an index.html (RUN: a run folder, or runs/<model> for its latest run)',
  run: (args) => runInspect(args),
};

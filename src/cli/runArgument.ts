/**
 * The RUN argument of `predict`, `inspect` and `evaluate`: a run folder (`runs/<model>/<timestamp>`), or a model's
 * runs folder (`runs/<model>`), which stands for its latest run with a checkpoint; the choice is said on stderr.
 */
import { resolve } from 'node:path';
import { pathProblem } from '../files/readUserFile';
import { isRunFolder, latestRunIn } from '../trainer/runs/reader';
import type { CliOutput } from './inspectArgs';

/** The run folder `given` designates, or null (after saying why on `io`) when it is missing or not a folder. */
export function resolveRunArgument(given: string, command: string, io: CliOutput): string | null {
  const path = resolve(given);
  const problem = pathProblem(path, 'folder');
  if (problem) {
    io.err(`cnnlab ${command}: ${problem}\n`);
    return null;
  }
  if (isRunFolder(path)) return path;
  const latest = latestRunIn(path);
  if (latest) io.err(`cnnlab ${command}: using the latest run in ${given}: ${latest}\n`);
  // Anything else goes on as given: opening it explains what a run folder is.
  return latest ?? path;
}

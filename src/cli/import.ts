/**
 * `cnnlab import WEIGHTS --model FILE.cnn.yaml [--out DIR] [--json]`: a state_dict (.pth / .pt from torch.save, or
 * .safetensors) trained elsewhere becomes a run folder of FILE's model, read without executing anything. Exit 0 on
 * success, 1 when the weights do not fit the model or are not a state_dict, 2 for usage problems and missing paths.
 */
import { resolve } from 'node:path';
import { importWeights } from '../export/importWeights';
import { pathProblem, readUserText, FILE_LIMITS } from '../files/readUserFile';
import { initBackend } from '../trainer/backend';
import { readWeights } from '../weights/sources/registry';
import type { CliCommand } from './commands';
import { errorText, parseArgs, processOutput, type CliOutput } from './inspectArgs';

const USAGE = 'import WEIGHTS.pth --model FILE.cnn.yaml [--out DIR] [--json]';

export async function runImport(args: string[], io: CliOutput = processOutput): Promise<number> {
  const parsed = parseArgs(args, { '--model': 'string', '--out': 'string', '--json': 'flag' });
  const problem = typeof parsed === 'string' ? parsed : parsed.positional.length !== 1 ? 'expected one weight file' : !parsed.options.has('--model') ? '--model FILE.cnn.yaml is required' : undefined;
  if (problem || typeof parsed === 'string') {
    io.err(`cnnlab import: ${problem}\nUsage: cnnlab ${USAGE}\n`);
    return 2;
  }
  const weightsFile = resolve(parsed.positional[0]);
  const modelPath = resolve(parsed.options.get('--model') as string);
  for (const path of [weightsFile, modelPath]) {
    const missing = pathProblem(path, 'file');
    if (missing) {
      io.err(`cnnlab import: ${missing}\n`);
      return 2;
    }
  }
  const out = parsed.options.get('--out') as string | undefined;
  try {
    const stateDict = readWeights(weightsFile);
    const modelText = readUserText(modelPath, { maxBytes: FILE_LIMITS.modelFile, what: 'model file' });
    // The embedded engine: importing only builds the model and copies weights.
    const { tf } = await initBackend('wasm');
    const runDir = await importWeights(tf, { stateDict, weightsFile, modelText, modelPath, outDir: out ? resolve(out) : undefined });
    io.out(parsed.options.has('--json') ? `${JSON.stringify({ runDir, weights: weightsFile, model: modelPath, tensors: stateDict.size })}\n` : `imported ${stateDict.size} tensors from ${weightsFile} into ${runDir}\n`);
    return 0;
  } catch (err) {
    io.err(`cnnlab import: ${errorText(err)}\n`);
    return 1;
  }
}

export const importCommand: CliCommand = {
  name: 'import',
  usage: USAGE,
  summary: 'Weights trained elsewhere (a torch state_dict .pth, or .safetensors; e.g. from an exported train.py) as a run folder of a model file, so predict, evaluate and inspect work on them',
  run: (args) => runImport(args),
};

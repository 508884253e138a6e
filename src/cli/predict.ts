/**
 * `cnnlab predict RUN|MODEL.cnn.yaml IMAGE [--weights FILE] [--top-k 3] [--out FILE.png] [--json] [--checkpoint best|last] [--backend B] [--max-image-pixels N]`:
 * what a trained run, or a model file with a weight file (a PyTorch .pth state_dict, .safetensors), makes of an
 * image file, as its task says: the k most probable classes (classification), the
 * reconstruction written to --out and its error (reconstruction), the mask written to --out as a palette PNG of class
 * indices with its overlay next to it, FILE.overlay.png, and each class's share of the pixels (segmentation), the boxes
 * (detection: decoded as the model's DetectionHead says, shown from score 0.3 or --score-threshold, NMS IoU from
 * --iou-threshold when given), drawn into --out. Exit 0 on success, 1 when the run or image cannot
 * be used, 2 for usage problems and paths that are missing or of the wrong kind.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathProblem } from '../files/readUserFile';
import { inputFromFile } from '../inspect/network/input';
import { encodeIndexedPng, encodePng } from '../inspect/image/png';
import { predictForTask, type TaskPrediction } from '../inspect/network/taskPredictions';
import { openRun } from '../inspect/network/runModel';
import { isModelFilePath, openModelFile } from '../inspect/network/modelFileModel';
import type { BackendChoiceName } from '../protocol/runTypes';
import { initBackend } from '../trainer/backend';
import { weightsPathProblem } from '../weights/sources/registry';
import type { CliCommand } from './commands';
import { errorText, parseArgs, processOutput, type CliOutput } from './inspectArgs';
import { resolveRunArgument } from './runArgument';

const USAGE = 'predict RUN|MODEL.cnn.yaml IMAGE [--weights FILE] [--top-k 3] [--out FILE.png] [--json] [--checkpoint best|last] [--backend B] [--max-image-pixels N] [--score-threshold S] [--iou-threshold T]';

/** Runs the command, writing to `io` (process.stdout / stderr from the CLI). */
export async function runPredict(args: string[], io: CliOutput = processOutput): Promise<number> {
  const parsed = parseArgs(args, { '--weights': 'string', '--top-k': 'count', '--out': 'string', '--json': 'flag', '--checkpoint': 'checkpoint', '--backend': 'backend', '--max-image-pixels': 'count', '--score-threshold': 'fraction', '--iou-threshold': 'fraction' });
  const problem = typeof parsed === 'string' ? parsed : parsed.positional.length !== 2 ? 'expected a run folder and an image file (or a model file with --weights FILE)' : undefined;
  if (problem || typeof parsed === 'string') {
    io.err(`cnnlab predict: ${problem}\nUsage: cnnlab ${USAGE}\n`);
    return 2;
  }
  const weights = parsed.options.get('--weights') as string | undefined;
  const modelFile = isModelFilePath(parsed.positional[0]) ? resolve(parsed.positional[0]) : undefined;
  if (modelFile && !weights) {
    io.err(`cnnlab predict: a model file needs --weights FILE (a PyTorch .pth state_dict, a .safetensors file or one of our runs); a run folder has its own\n`);
    return 2;
  }
  const runDir = modelFile ? '' : resolveRunArgument(parsed.positional[0], 'predict', io);
  const image = resolve(parsed.positional[1]);
  if (runDir === null) return 2;
  const pathError = (modelFile && pathProblem(modelFile, 'file')) || (weights && weightsPathProblem(resolve(weights))) || pathProblem(image, 'file');
  if (pathError) {
    io.err(`cnnlab predict: ${pathError}\n`);
    return 2;
  }
  const k = (parsed.options.get('--top-k') as number | undefined) ?? 3;
  const json = parsed.options.has('--json');
  try {
    const backend = await initBackend((parsed.options.get('--backend') as BackendChoiceName | undefined) ?? 'auto');
    const inspectable = modelFile
      ? openModelFile(backend.tf, modelFile, resolve(weights!))
      : await openRun(backend.tf, runDir, parsed.options.get('--checkpoint') as 'best' | 'last' | undefined, weights && resolve(weights));
    inspectable.notices.forEach((notice) => io.err(`${notice}\n`));
    try {
      const input = await inputFromFile(image, inspectable.preprocessing, parsed.options.get('--max-image-pixels') as number | undefined);
      const overrides = { scoreThreshold: parsed.options.get('--score-threshold') as number | undefined, iouThreshold: parsed.options.get('--iou-threshold') as number | undefined };
      if ((overrides.scoreThreshold !== undefined || overrides.iouThreshold !== undefined) && inspectable.analysis.task !== 'detection') {
        throw new Error(`--score-threshold and --iou-threshold decode a detector's boxes; a ${inspectable.analysis.task} run has none`);
      }
      const result = await predictForTask(inspectable, input, k, overrides);
      const out = parsed.options.get('--out') as string | undefined;
      if (out && !result.image && !result.mask) throw new Error(`--out writes the model's output image; a ${inspectable.analysis.task} run has none`);
      const written = out ? writeOutputs(resolve(out), result) : {};
      if (json) {
        const payload = { runDir, ...(modelFile ? { model: modelFile, weights: resolve(weights!) } : weights ? { weights: resolve(weights) } : {}), image, checkpoint: inspectable.checkpoint, backend: backend.name, task: inspectable.analysis.task, ...result.json, ...written };
        io.out(`${JSON.stringify(payload)}\n`);
      } else {
        io.out(result.text);
        for (const file of Object.values(written)) io.out(`wrote ${file}\n`);
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

/** The output image (reconstruction) or the mask as a palette PNG and its overlay next to it (segmentation). */
function writeOutputs(out: string, result: TaskPrediction): { out?: string; overlay?: string } {
  if (result.mask) {
    const overlay = overlayPath(out);
    writeFileSync(out, encodeIndexedPng(result.mask));
    if (result.overlay) writeFileSync(overlay, encodePng(result.overlay));
    return { out, overlay };
  }
  if (result.image) writeFileSync(out, encodePng(result.image));
  return { out };
}

/** mask.png → mask.overlay.png (the overlay of a segmentation's --out). */
export function overlayPath(out: string): string {
  return out.toLowerCase().endsWith('.png') ? `${out.slice(0, -4)}.overlay.png` : `${out}.overlay.png`;
}

export const predictCommand: CliCommand = {
  name: 'predict',
  usage: USAGE,
  summary: 'What a trained run (or a model file with --weights FILE.pth) makes of an image file: top-k classes; the reconstruction (--out) and its error; or the mask (--out mask.png, class-index palette PNG, plus its overlay mask.overlay.png) and each class\'s share of the pixels; or the boxes (--json, --out draws them; --score-threshold and --iou-threshold override the model\'s decoding) (RUN: a run folder, or runs/<model> for its latest run)',
  run: (args) => runPredict(args),
};

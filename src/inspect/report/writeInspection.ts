/**
 * The pictures of `cnnlab inspect` as files: input.png, feature-maps/layerNN-Type.png (all channels of each
 * layer), filters/layerNN-Conv2d.png, saliency.png and occlusion.png (overlays for one class), and index.json
 * saying what each file shows (shapes, value ranges, class, patch).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TF } from '../../trainer/engine/tf';
import { colourFilterGrid, featureMapGrid, filterGrid, imagePicture, overlayPicture } from '../image/pictures';
import { activations } from '../network/activations';
import { convFilters, convLayerIndices } from '../network/filters';
import { inputFromFile } from '../network/input';
import { occlusion } from '../network/occlusion';
import { classProbabilities, topK, type Prediction } from '../network/predict';
import { openRun, type CheckpointChoice, type InspectableRun } from '../network/runModel';
import { saliency } from '../network/saliency';
import { scaleFor } from '../session/views';

export interface InspectionOptions {
  runDir: string;
  image: string;
  outDir: string;
  /** Class name or index; default the predicted class. */
  className?: string;
  patch?: number;
  stride?: number;
  checkpoint?: CheckpointChoice;
  /** Largest image decoded (default: see trainer/datasets/imageLimits). */
  maxImagePixels?: number;
}

/** One written file and what it shows. */
export interface WrittenFile {
  file: string;
  what: string;
  layer?: number;
  shape?: number[];
  range?: { min: number; max: number };
}

/** index.json. */
export interface InspectionIndex {
  runDir: string;
  image: string;
  checkpoint: CheckpointChoice;
  /** About the run as opened: interrupted, or a damaged best/ replaced by last/. */
  notices: string[];
  predictions: Prediction[];
  classIndex: number;
  className: string;
  occlusion: { patch: number; stride: number; baseline: number };
  files: WrittenFile[];
}

/** Writes every picture for one image; `log` receives one line per file. */
export async function writeInspection(tf: TF, options: InspectionOptions, log: (line: string) => void = () => undefined): Promise<InspectionIndex> {
  const run = await openRun(tf, options.runDir, options.checkpoint);
  try {
    return await writeAll(run, options, log);
  } finally {
    run.dispose();
  }
}

async function writeAll(run: InspectableRun, options: InspectionOptions, log: (line: string) => void): Promise<InspectionIndex> {
  const input = await inputFromFile(options.image, run.preprocessing, options.maxImagePixels);
  const probabilities = await classProbabilities(run, input);
  const predictions = topK(probabilities, run.classes, Math.min(5, run.classes.length || probabilities.length));
  const classIndex = resolveClass(options.className, run.classes, probabilities.length) ?? predictions[0]?.classIndex ?? 0;
  const files: WrittenFile[] = [];
  const write = (relative: string, png: Uint8Array, info: Omit<WrittenFile, 'file'>): void => {
    const path = join(options.outDir, relative);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, png);
    files.push({ file: relative, ...info });
    log(`${relative}: ${info.what}`);
  };
  const displayScale = scaleFor(Math.max(input.height, input.width), 224);
  write('input.png', imagePicture(input.pixels, input.height, input.width, input.channels, displayScale).png, { what: `the input, ${input.channels}×${input.height}×${input.width}` });

  for (const act of await activations(run, input)) {
    const scale = scaleFor(Math.max(act.planes.height, act.planes.width), 64);
    const grid = featureMapGrid(act.planes, 0, act.planes.channels, scale);
    write(`feature-maps/layer${pad(act.index)}-${act.type}.png`, grid.png, { what: `feature maps of ${act.text}, shape [${act.shape}]`, layer: act.index, shape: act.shape, range: act.range });
  }
  for (const index of convLayerIndices(run)) {
    const f = await convFilters(run, index);
    const scale = scaleFor(Math.max(f.kernelHeight, f.kernelWidth), 24);
    const grid = f.colour ? colourFilterGrid(f.values, f.outChannels, f.kernelHeight, f.kernelWidth, scale) : filterGrid(f.values, f.outChannels, f.inChannels, f.kernelHeight, f.kernelWidth, 0, f.outChannels, scale);
    const what = f.colour ? `${f.outChannels} RGB filters of ${f.text}` : `filters of ${f.text}: one row per output channel, one tile per input channel (blue < 0 < red)`;
    write(`filters/layer${pad(index)}-Conv2d.png`, grid.png, { what, layer: index, shape: [f.outChannels, f.inChannels, f.kernelHeight, f.kernelWidth], range: grid.layout.ranges[0] });
  }

  const className = run.classes[classIndex] ?? `class ${classIndex}`;
  const s = await saliency(run, input, classIndex);
  write('saliency.png', overlayPicture(input.pixels, input.height, input.width, input.channels, s.values, displayScale).png, { what: `saliency of '${className}': |∂score/∂pixel|, max over channels` });
  const occ = await occlusion(run, input, { classIndex, patch: options.patch, stride: options.stride });
  write('occlusion.png', overlayPicture(input.pixels, input.height, input.width, input.channels, occ.pixelDrops, displayScale).png, {
    what: `occlusion of '${className}': drop of its probability under a ${occ.patch}×${occ.patch} grey patch, stride ${occ.stride}`,
  });

  const index: InspectionIndex = {
    runDir: run.runDir, image: options.image, checkpoint: run.checkpoint, notices: run.notices, predictions, classIndex, className,
    occlusion: { patch: occ.patch, stride: occ.stride, baseline: occ.baseline }, files,
  };
  writeFileSync(join(options.outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

/** A class given by name or index; throws a RangeError listing the classes when it is neither. */
function resolveClass(given: string | undefined, classes: string[], count: number): number | undefined {
  if (given === undefined) return undefined;
  const byName = classes.indexOf(given);
  if (byName >= 0) return byName;
  const n = Number(given);
  if (Number.isInteger(n) && n >= 0 && n < count) return n;
  throw new RangeError(`--class ${given} is not a class of this run (${classes.join(', ') || `0…${count - 1}`})`);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

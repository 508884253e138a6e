/**
 * The pictures of `cnnlab inspect` as files: input.png, then each chosen view (inspectionViews: feature maps and
 * filters per layer, saliency, occlusion, Grad-CAM, guided backprop, receptive fields, the embedding, …), plus
 * index.json saying what each file shows and index.html showing them together.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TF } from '../../trainer/engine/tf';
import type { LoadedDataset } from '../../trainer/datasets/types';
import { imagePicture } from '../image/pictures';
import { defaultCamLayer } from '../network/gradCam';
import { inputFromFile } from '../network/input';
import { classProbabilities, topK, type Prediction } from '../network/predict';
import { openRun, type CheckpointChoice, type InspectableRun } from '../network/runModel';
import { viewTarget } from '../network/target';
import { loadRunData } from '../session/runData';
import { scaleFor } from '../session/views';
import { inspectionHtml } from './indexHtml';
import { DEFAULT_VIEWS, SkippedView, VIEW_WRITERS, type ViewContext, type ViewName, type WrittenFile } from './inspectionViews';

export type { WrittenFile } from './inspectionViews';

export interface InspectionOptions {
  runDir: string;
  image: string;
  outDir: string;
  /** Class name or index; default the predicted class. */
  className?: string;
  patch?: number;
  stride?: number;
  checkpoint?: CheckpointChoice;
  /** Other weights for the run's model (a .pth/.pt, .safetensors or another run), loaded over the checkpoint. */
  weights?: string;
  /** Largest image decoded (default: see trainer/datasets/imageLimits). */
  maxImagePixels?: number;
  /** Which views to write (default DEFAULT_VIEWS). */
  views?: ViewName[];
  /** Layer of Grad-CAM, the receptive fields, deconvnet and activation maximisation (default: the last convolution block's output). */
  layer?: number;
}

/** index.json. */
export interface InspectionIndex {
  runDir: string;
  image: string;
  checkpoint: CheckpointChoice;
  /** InspectionOptions.weights, when given. */
  weights?: string;
  /** About the run as opened: interrupted, or a damaged best/ replaced by last/. */
  notices: string[];
  predictions: Prediction[];
  classIndex: number;
  className: string;
  /** What the class-dependent views differentiate (a class score, or a reconstruction run's MSE). */
  target: string;
  /** Null when the occlusion view was not written. */
  occlusion: { patch: number; stride: number; baseline: number } | null;
  views: ViewName[];
  /** Views that could not be drawn for this run, and why. */
  skipped: Array<{ view: ViewName; reason: string }>;
  files: WrittenFile[];
}

/** Writes every chosen picture for one image; `log` receives one line per file. */
export async function writeInspection(tf: TF, options: InspectionOptions, log: (line: string) => void = () => undefined): Promise<InspectionIndex> {
  const run = await openRun(tf, options.runDir, options.checkpoint, options.weights);
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
  const views = options.views ?? [...DEFAULT_VIEWS];
  if (options.layer !== undefined && !run.analysis.layers.some((l) => l.index === options.layer)) throw new RangeError(`--layer ${options.layer}: the model has layers 1…${run.analysis.layers.length}`);
  const files: WrittenFile[] = [];
  let current: ViewName | undefined;
  const write = (relative: string, png: Uint8Array, info: Omit<WrittenFile, 'file'>): void => {
    const path = join(options.outDir, relative);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, png);
    files.push({ file: relative, ...info, ...(current ? { view: current } : {}) });
    log(`${relative}: ${info.what}`);
  };
  write('input.png', imagePicture(input.pixels, input.height, input.width, input.channels, scaleFor(Math.max(input.height, input.width), 224)).png, { what: `the input, ${input.channels}×${input.height}×${input.width}` });

  const { data, problem } = views.includes('embedding') || views.includes('erf') ? await tryLoadData(run) : { data: undefined, problem: null };
  const target = viewTarget(run, classIndex);
  const record: Record<string, unknown> = {};
  const ctx: ViewContext = { run, input, target, classIndex, layer: options.layer ?? defaultCamLayer(run), patch: options.patch, stride: options.stride, data, dataProblem: problem, write, record };
  const skipped: InspectionIndex['skipped'] = [];
  for (const view of views) {
    current = view;
    try {
      await VIEW_WRITERS[view](ctx);
    } catch (err) {
      if (!(err instanceof SkippedView)) throw err;
      skipped.push({ view, reason: err.message });
      log(`${view}: skipped (${err.message})`);
    }
  }
  const index: InspectionIndex = {
    runDir: run.runDir, image: options.image, checkpoint: run.checkpoint, ...(options.weights ? { weights: options.weights } : {}), notices: run.notices, predictions, classIndex, className: run.classes[classIndex] ?? `class ${classIndex}`,
    target: target.describe, occlusion: (record.occlusion as InspectionIndex['occlusion']) ?? null, views, skipped, files,
  };
  writeFileSync(join(options.outDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  writeFileSync(join(options.outDir, 'index.html'), inspectionHtml(index, run.analysis.name));
  return index;
}

async function tryLoadData(run: InspectableRun): Promise<{ data: LoadedDataset | undefined; problem: string | null }> {
  try {
    return { data: await loadRunData(run), problem: null };
  } catch (err) {
    return { data: undefined, problem: err instanceof Error ? err.message : String(err) };
  }
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

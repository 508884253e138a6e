/**
 * The worker side of the inspector: one open run (model + checkpoint), its dataset (loaded when the run opens),
 * and the current input image. `handle` answers one InspectRequest; requests are answered in order, and a
 * long one (occlusion, embeddings) reports progress and stops early when `shouldStop` says so. Occlusion's
 * forward passes are split among the open request's data-parallel workers, started at the first occlusion and kept
 * until the run closes.
 */
import { VISUALISE_DEFAULTS, type InputSelector, type InspectRequest, type InspectResult, type RunInfo } from '../../protocol/inspect';
import type { BackendChoice, BackendInfo } from '../../trainer/backend';
import type { LoadedDataset } from '../../trainer/datasets/types';
import { inputFromFile, inputFromSet, type InspectInput } from '../network/input';
import { convLayerIndices } from '../network/filters';
import { mergeText } from '../network/activations';
import { graphOutputs } from '../../model/graphOutputs';
import { defaultCamLayer } from '../network/gradCam';
import { openRun, runWorkerSetup, type InspectableRun } from '../network/runModel';
import { startDataParallel, type DataParallelSteps } from '../../trainer/parallel/dataParallel';
import { describeNoise } from '../../model/config/noiseText';
import { compressionOf } from '../../model/tasks/compression';
import type { ResolvedLayer } from '../../model/types';
import { TRANSFORM_CATALOG } from '../../model/transforms/catalog';
import { augmentView, embeddingsView, latentGridView, playgroundView, thumbnailView, type Progress } from './dataViews';
import { loadRunData, type DataLocations } from './runData';
import { activationMaxView, imageSource, receptiveFieldView, topImagesView } from './fieldViews';
import { deconvnetView, gradCamView, guidedBackpropView, saliencyView } from './gradientViews';
import { featureMapsView, featureMapView, filtersView, inputView, occlusionView } from './views';

export interface RequestHooks {
  onProgress?: Progress;
  shouldStop?: () => boolean;
}

/** Starts (or reuses) a backend; the worker passes initBackend, tests may pass a fixed one. */
export type BackendProvider = (choice: BackendChoice, extraModulePaths?: string[]) => Promise<BackendInfo>;

type Request<K extends InspectRequest['kind']> = Extract<InspectRequest, { kind: K }>;

export class InspectorSession {
  private run: InspectableRun | undefined;
  private backendName = '';
  private data: LoadedDataset | undefined;
  private dataProblem: string | null = null;
  private input: InspectInput | undefined;
  private maxImagePixels: number | undefined;
  private workers = 1;
  /** The run's data-parallel workers once a view asked for them (undefined inside: one worker). */
  private parallel: Promise<DataParallelSteps | undefined> | undefined;

  constructor(private readonly backend: BackendProvider) {}

  /** Answers one request; throws an Error whose message is meant for people. */
  async handle(request: InspectRequest, hooks: RequestHooks = {}): Promise<InspectResult> {
    const progress: Progress = hooks.onProgress ?? (() => undefined);
    if (request.kind === 'open') return this.open(request, progress);
    const run = this.requireRun();
    switch (request.kind) {
      case 'input':
        this.input = await this.resolveInput(request.input);
        return inputView(run, this.input, request.topK ?? 5);
      case 'featureMaps':
        return featureMapsView(run, this.requireInput(), request.layer, request.first, request.count, request.merge);
      case 'featureMap':
        return featureMapView(run, this.requireInput(), request.layer, request.channel, request.merge);
      case 'filters':
        return filtersView(run, request.layer, request.first, request.count);
      case 'saliency':
        return saliencyView(run, this.requireInput(), request, (done, total) => progress(done, total, request.method === 'integrated' ? 'Integrating along the path' : 'Averaging noisy copies'), hooks.shouldStop);
      case 'gradCam':
        return gradCamView(run, this.requireInput(), request);
      case 'guidedBackprop':
        return guidedBackpropView(run, this.requireInput(), request);
      case 'deconvnet':
        return deconvnetView(run, this.requireInput(), request.layer);
      case 'receptiveField':
        return receptiveFieldView(run, imageSource(run, this.data?.test, this.input, request.count ?? VISUALISE_DEFAULTS.fieldImages), this.input, request, {
          onProgress: (done, total) => progress(done, total, 'Averaging gradients'), shouldStop: hooks.shouldStop,
        });
      case 'activationMax':
        return activationMaxView(run, request, { onProgress: (done, total) => progress(done, total, 'Gradient ascent'), shouldStop: hooks.shouldStop });
      case 'topImages':
        return topImagesView(run, this.requireData().test, request, { onProgress: (done, total) => progress(done, total, 'Searching test images'), shouldStop: hooks.shouldStop });
      case 'occlusion': {
        const input = this.requireInput();
        return this.withWorkers(run, (scores) => occlusionView(run, input, {
          classIndex: request.classIndex, patch: request.patch, stride: request.stride, shouldStop: hooks.shouldStop, scores,
          onProgress: (done, total) => progress(done, total, 'Occluding'),
        }));
      }
      case 'embeddings':
        return embeddingsView(run, this.requireData().test, request, progress, hooks.shouldStop);
      case 'thumbnail':
        return thumbnailView(this.requireData().test, request.index);
      case 'latentGrid':
        return latentGridView(run, this.requireData().test, this.requireLatentPlane(run), request, hooks.shouldStop);
      case 'augment':
        // Noise with every amount 0 is no noise: the plain augmentation grid.
        return augmentView(this.requireData(), request, describeNoise(run.analysis.data.noise) ? run.analysis.data.noise : undefined);
      case 'playground':
        return playgroundView(this.requireInput(), request);
    }
  }

  /** Frees the model's weights and stops the workers. */
  dispose(): void {
    this.stopWorkers();
    this.run?.dispose();
    this.run = undefined;
    this.data = undefined;
    this.input = undefined;
  }

  /** Runs a view with the run's workers (started once); a failure stops them: the next view starts fresh ones. */
  private async withWorkers<T>(run: InspectableRun, view: (workers: DataParallelSteps | undefined) => Promise<T>): Promise<T> {
    this.parallel ??= startDataParallel(this.workers, this.backendName, run.model, runWorkerSetup(run, this.data?.classes), () => undefined);
    try {
      return await view(await this.parallel);
    } catch (err) {
      this.stopWorkers();
      throw err;
    }
  }

  private stopWorkers(): void {
    const parallel = this.parallel;
    this.parallel = undefined;
    void parallel?.then((p) => p?.dispose(), () => undefined);
  }

  private async open(request: Request<'open'>, progress: Progress): Promise<InspectResult> {
    this.dispose();
    this.workers = request.workers ?? 1;
    const backend = await this.backend(request.backend ?? 'auto', request.extraModulePaths);
    this.backendName = backend.name;
    this.run = await openRun(backend.tf, request.runDir, request.checkpoint);
    this.maxImagePixels = request.maxImagePixels;
    this.data = undefined;
    this.dataProblem = null;
    const where: DataLocations = { searchPaths: request.searchPaths, cacheDir: request.cacheDir, maxImagePixels: request.maxImagePixels };
    try {
      this.data = await loadRunData(this.run, where, (message) => progress(0, 1, message));
    } catch (err) {
      // Without the dataset the panel still works on image files.
      this.dataProblem = err instanceof Error ? err.message : String(err);
    }
    return { kind: 'open', info: this.info(this.run) };
  }

  private info(run: InspectableRun): RunInfo {
    const bottleneck = reconstructionBottleneck(run);
    return {
      runDir: run.runDir,
      model: run.analysis.name,
      checkpoint: run.checkpoint,
      backend: this.backendName,
      classes: run.classes,
      input: run.input,
      ...layerAndMergeInfo(run),
      convLayers: convLayerIndices(run),
      visualLayer: defaultCamLayer(run) ?? null,
      testCount: this.data?.test.count ?? 0,
      trainCount: this.data?.train.count ?? 0,
      hasAugment: run.analysis.pipeline.train.some((s) => TRANSFORM_CATALOG[s.type].random),
      inputNoise: describeNoise(run.analysis.data.noise),
      task: run.analysis.task,
      bottleneck: bottleneck?.index ?? null,
      latentPlane: isLatentPlane(bottleneck),
      datasetProblem: this.dataProblem,
      notices: run.notices,
    };
  }

  private async resolveInput(selector: InputSelector): Promise<InspectInput> {
    const run = this.requireRun();
    if (selector.kind === 'file') return inputFromFile(selector.path, run.preprocessing, this.maxImagePixels);
    const test = this.requireData().test;
    if (test.count === 0) throw new Error('the test set is empty');
    switch (selector.kind) {
      case 'test':
        return inputFromSet(test, selector.index, run.preprocessing, `test #${selector.index}`);
      case 'random': {
        const index = Math.floor(((selector.seed * 2654435761) >>> 0) % test.count);
        return inputFromSet(test, index, run.preprocessing, `test #${index}`);
      }
      case 'class': {
        const matches: number[] = [];
        for (let i = 0; i < test.count && matches.length <= (selector.nth ?? 0); i++) if (test.labels[i] === selector.classIndex) matches.push(i);
        const index = matches[selector.nth ?? 0];
        if (index === undefined) throw new RangeError(`the test set has ${matches.length} image(s) of class ${run.classes[selector.classIndex] ?? selector.classIndex}`);
        return inputFromSet(test, index, run.preprocessing, `test #${index}`);
      }
    }
  }

  private requireRun(): InspectableRun {
    if (!this.run) throw new Error('no run is open: open a run first');
    return this.run;
  }

  private requireInput(): InspectInput {
    if (!this.input) throw new Error('choose an input image first');
    return this.input;
  }

  private requireLatentPlane(run: InspectableRun): number {
    const bottleneck = reconstructionBottleneck(run);
    if (!bottleneck || !isLatentPlane(bottleneck)) throw new Error('the latent plane needs a reconstruction model whose bottleneck has 2 values (e.g. Linear(…, 2))');
    return bottleneck.index;
  }

  private requireData(): LoadedDataset {
    if (!this.data) throw new Error(`the run's dataset is not available${this.dataProblem ? `: ${this.dataProblem}` : ''}; inspect an image file instead`);
    return this.data;
  }
}

/**
 * The bottleneck of a reconstruction run (the embeddings' default layer): its last layer with the code's size (the
 * activation after the Linear, what the decoder receives); undefined for other tasks.
 */
function reconstructionBottleneck(run: InspectableRun): ResolvedLayer | undefined {
  return compressionOf(run.analysis)?.bottleneck.at(-1);
}

function isLatentPlane(layer: ResolvedLayer | undefined): boolean {
  return layer?.outputShape.length === 1 && layer.outputShape[0] === 2;
}

/** The layers (with the names given to their outputs) and the merges of the run's model. */
function layerAndMergeInfo(run: InspectableRun): Pick<RunInfo, 'layers' | 'merges'> {
  const { layerNames, merges } = graphOutputs(run.analysis.graph);
  return {
    layers: run.analysis.layers.map((l) => ({ index: l.index, type: l.type, text: l.text, outputShape: l.outputShape, line: l.range.start.line, ...(layerNames.has(l.index) ? { names: layerNames.get(l.index) } : {}) })),
    merges: merges.map((m) => ({ index: m.index, text: mergeText(m.merge), names: m.names, outputShape: m.merge.outputShape, line: m.merge.range.start.line })),
  };
}

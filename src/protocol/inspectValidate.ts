/**
 * Validation of inspector messages crossing a thread or webview boundary: everything that arrives is `unknown`
 * until accepted here. Requests are checked field by field (they come from a webview); replies from our own
 * worker are checked shallowly.
 */
import { isBackendChoice } from './runTypes';
import type { FromInspectorWebview, FromInspectWorker, InputSelector, InspectorWebviewState, InspectRequest, ToInspectorWebview, ToInspectWorker } from './inspect';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
const optionalInt = (v: unknown, min = 0, max?: number): boolean => v === undefined || isInt(v, min, max);
const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): boolean => v === undefined || (Array.isArray(v) && v.every(isString));
const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'];
const SALIENCY_METHODS = ['gradient', 'smoothgrad', 'integrated'];

function isSelector(v: unknown): v is InputSelector {
  if (!isObj(v)) return false;
  switch (v.kind) {
    case 'test':
      return isInt(v.index);
    case 'class':
      return isInt(v.classIndex) && optionalInt(v.nth);
    case 'random':
      return isInt(v.seed, 0, 2 ** 32);
    case 'file':
      return isString(v.path) && v.path.length > 0;
    default:
      return false;
  }
}

function isKernel(v: unknown): boolean {
  return Array.isArray(v) && v.length >= 1 && v.length <= 15 && v.every((r) => Array.isArray(r) && r.length >= 1 && r.length <= 15 && r.every((x) => typeof x === 'number' && Number.isFinite(x)));
}

const CHECKS: { [K in InspectRequest['kind']]: (v: Obj) => boolean } = {
  open: (v) => isString(v.runDir) && (v.checkpoint === undefined || v.checkpoint === 'best' || v.checkpoint === 'last') && (v.backend === undefined || isBackendChoice(v.backend)) && optionalInt(v.maxImagePixels, 1) && optionalInt(v.workers, 1) && isStrings(v.extraModulePaths) && isStrings(v.searchPaths) && (v.cacheDir === undefined || isString(v.cacheDir)),
  input: (v) => isSelector(v.input) && optionalInt(v.topK, 1, 1000),
  featureMaps: (v) => isInt(v.layer, 1) && optionalInt(v.merge, 1) && optionalInt(v.first) && optionalInt(v.count, 1, 4096),
  featureMap: (v) => isInt(v.layer, 1) && optionalInt(v.merge, 1) && isInt(v.channel),
  filters: (v) => isInt(v.layer, 1) && optionalInt(v.first) && optionalInt(v.count, 1, 4096),
  saliency: (v) => isInt(v.classIndex) && (v.method === undefined || SALIENCY_METHODS.includes(v.method as string)) && optionalInt(v.samples, 1, 512),
  gradCam: (v) => isInt(v.classIndex) && optionalInt(v.layer, 1),
  guidedBackprop: (v) => isInt(v.classIndex) && optionalInt(v.layer, 1),
  deconvnet: (v) => isInt(v.layer, 1),
  receptiveField: (v) => isInt(v.layer, 1) && optionalInt(v.count, 1, 10000) && optionalInt(v.channel),
  activationMax: (v) => isInt(v.layer, 1) && optionalInt(v.first) && optionalInt(v.count, 1, 64) && optionalInt(v.steps, 1, 2000) && optionalInt(v.seed, 0, 2 ** 32),
  topImages: (v) => isInt(v.layer, 1) && isInt(v.channel) && optionalInt(v.k, 1, 64) && optionalInt(v.count, 1, 100000),
  occlusion: (v) => isInt(v.classIndex) && isInt(v.patch, 1, 4096) && isInt(v.stride, 1, 4096),
  embeddings: (v) => isInt(v.count, 1, 10000) && (v.method === 'pca' || v.method === 'tsne') && (v.perplexity === undefined || (typeof v.perplexity === 'number' && v.perplexity >= 2 && v.perplexity <= 100)) && optionalInt(v.seed) && optionalInt(v.layer, 1),
  latentGrid: (v) => isInt(v.steps, 2, 32) && optionalInt(v.count, 1, 10000),
  thumbnail: (v) => isInt(v.index),
  augment: (v) => isInt(v.count, 1, 64) && isInt(v.seed, 0, 2 ** 32) && optionalInt(v.trainIndex),
  playground: (v) =>
    isKernel(v.kernel) && isInt(v.padding, 0, 64) && PADDING_MODES.includes(v.paddingMode as string) && isInt(v.stride, 1, 64) && optionalInt(v.channel) &&
    (v.pool === undefined || (isObj(v.pool) && (v.pool.kind === 'max' || v.pool.kind === 'avg') && isInt(v.pool.size, 1, 64) && isInt(v.pool.stride, 1, 64))),
};

/** Accepts a well-formed inspect request. */
export function isInspectRequest(v: unknown): v is InspectRequest {
  if (!isObj(v) || !isString(v.kind) || !Object.prototype.hasOwnProperty.call(CHECKS, v.kind)) return false;
  return CHECKS[v.kind as InspectRequest['kind']](v);
}

/** Accepts a host → worker inspector message. */
export function isToInspectWorker(v: unknown): v is ToInspectWorker {
  if (!isObj(v) || !isString(v.taskId)) return false;
  return v.type === 'inspect-cancel' || (v.type === 'inspect' && isString(v.requestId) && isInspectRequest(v.request));
}

/** Accepts a worker → host inspector message (our own worker: shallow). */
export function isFromInspectWorker(v: unknown): v is FromInspectWorker {
  if (!isObj(v)) return false;
  if (v.type === 'inspect-progress') return isString(v.taskId) && typeof v.done === 'number' && typeof v.total === 'number';
  return v.type === 'inspect-result' && isString(v.replyTo) && (isObj(v.result) || isString(v.error));
}

/** Parses a message from the inspector webview; undefined when malformed. */
export function parseFromInspectorWebview(v: unknown): FromInspectorWebview | undefined {
  if (!isObj(v)) return undefined;
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'request':
      return isInt(v.id) && isInspectRequest(v.request) && (v.request as InspectRequest).kind !== 'open' ? (v as FromInspectorWebview) : undefined;
    case 'cancel':
      return isInt(v.id) ? { type: 'cancel', id: v.id as number } : undefined;
    case 'pickFile':
      return isInt(v.id) && isInt(v.topK, 1, 1000) ? { type: 'pickFile', id: v.id as number, topK: v.topK as number } : undefined;
    case 'revealLayer':
      return isInt(v.layer, 1) ? { type: 'revealLayer', layer: v.layer as number } : undefined;
    default:
      return undefined;
  }
}

/** Guard form of parseFromInspectorWebview (for the panel base's MessageHandler). */
export function isFromInspectorWebview(v: unknown): v is FromInspectorWebview {
  return parseFromInspectorWebview(v) !== undefined;
}

/** Accepts a host → inspector webview message (the host is ours: the type and the fields the page reads first). */
export function isToInspectorWebview(v: unknown): v is ToInspectorWebview {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'run':
      return isObj(v.info) && Array.isArray(v.info.layers) && Array.isArray(v.info.classes);
    case 'result':
      return isInt(v.id) && isObj(v.result) && isString(v.result.kind);
    case 'progress':
      return isInt(v.id) && typeof v.done === 'number' && typeof v.total === 'number';
    case 'error':
      return (v.id === null || isInt(v.id)) && isString(v.message);
    case 'showLayer':
      return isInt(v.layer, 1);
    case 'empty':
      return isString(v.message);
    default:
      return false;
  }
}

/** The inspector webview's saved state, validated (anything unusable becomes an empty state). */
export function parseInspectorState(v: unknown): InspectorWebviewState {
  return isObj(v) && isString(v.runDir) ? { runDir: v.runDir } : {};
}

/**
 * Validation of messages crossing a thread or webview boundary: anything that arrives is `unknown` until one of
 * these guards accepts it. Hand-written (no schema library) and shallow where the sender is our own engine.
 */
import { isBackendChoice, type EvaluateRequest, type RunRequest } from './runTypes';
import { isSampleStrip } from './sampleStrip';
import type { FromWorker, ToWorker } from './trainer';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const optional = (check: (v: unknown) => boolean) => (v: unknown) => v === undefined || check(v);
const isString = (v: unknown): boolean => typeof v === 'string';
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every(isString);

const REQUEST_FIELDS: Record<keyof RunRequest, (v: unknown) => boolean> = {
  modelText: isString,
  modelPath: optional(isString),
  outDir: optional(isString),
  backend: optional(isBackendChoice),
  epochs: optional((v) => isNumber(v) && (v as number) >= 1),
  maxTrainSamples: optional((v) => isNumber(v) && (v as number) >= 1),
  weights: optional(isString),
  maxImagePixels: optional((v) => Number.isInteger(v) && (v as number) >= 1),
  searchPaths: optional(isStringArray),
  cacheDir: optional(isString),
  extraModulePaths: optional(isStringArray),
  progressIntervalMs: optional(isNumber),
  metricsEveryBatches: optional((v) => isNumber(v) && (v as number) >= 1),
  workers: optional((v) => Number.isInteger(v) && (v as number) >= 1),
};

/** Problems with a run request, empty when it is valid (names the field and what it should be). */
export function runRequestProblems(v: unknown): string[] {
  if (!isObj(v)) return ['request must be an object'];
  return (Object.keys(REQUEST_FIELDS) as Array<keyof RunRequest>)
    .filter((key) => !REQUEST_FIELDS[key](v[key]))
    .map((key) => `request.${key} is invalid: ${JSON.stringify(v[key])}`);
}

const EVALUATE_FIELDS: Record<keyof EvaluateRequest, (v: unknown) => boolean> = {
  runDir: isString,
  checkpoint: optional((v) => v === 'best' || v === 'last'),
  backend: optional(isBackendChoice),
  extraModulePaths: optional(isStringArray),
  searchPaths: optional(isStringArray),
  cacheDir: optional(isString),
  maxImagePixels: optional((v) => Number.isInteger(v) && (v as number) >= 1),
  weights: optional(isString),
  workers: optional((v) => Number.isInteger(v) && (v as number) >= 1),
};

function isEvaluateRequest(v: unknown): v is EvaluateRequest {
  return isObj(v) && (Object.keys(EVALUATE_FIELDS) as Array<keyof EvaluateRequest>).every((key) => EVALUATE_FIELDS[key](v[key]));
}

/** Accepts a host → worker message. */
export function isToWorker(v: unknown): v is ToWorker {
  if (!isObj(v) || typeof v.runId !== 'string') return false;
  if (v.type === 'stop') return true;
  if (v.type === 'evaluate') return isEvaluateRequest(v.request);
  return v.type === 'start' && runRequestProblems(v.request).length === 0;
}

/** Accepts a worker → host message (the worker is ours: the type and the fields the host reads are checked). */
export function isFromWorker(v: unknown): v is FromWorker {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'started':
      return isString(v.runId) && isString(v.runDir) && isString(v.backend);
    case 'progress':
      return isString(v.runId) && isObj(v.metrics) && (v.metrics.kind === 'batch' || v.metrics.kind === 'epoch');
    case 'log':
      return isString(v.runId) && isString(v.message);
    case 'phase':
      return isString(v.runId) && (v.phase === 'validation' || v.phase === 'test') && isNumber(v.epoch);
    case 'samples':
      return isString(v.runId) && isSampleStrip(v.strip);
    case 'done':
      return isString(v.runId) && isObj(v.result) && isString(v.result.runDir) && isObj(v.result.summary);
    case 'evaluation-progress':
      return isString(v.runId) && isString(v.message);
    case 'evaluated':
      return isString(v.runId) && isObj(v.result) && isString(v.result.runDir) && isObj(v.result.test);
    case 'error':
      return (v.runId === null || isString(v.runId)) && isString(v.message);
    default:
      return false;
  }
}

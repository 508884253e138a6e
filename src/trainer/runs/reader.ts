/**
 * Reading runs back for the panels and the CLI: list the runs under a root, read one run's summary, config,
 * metrics and model snapshot. Tolerant by design: a run killed mid-write may have a truncated last metrics line,
 * and a folder that is not a run is skipped; nothing here throws on bad files (nor blocks on a FIFO: see readUserFile).
 * A run whose training process is gone reads as 'interrupted' (see interrupted.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_LIMITS, readUserText, type ReadLimits } from '../../files/readUserFile';
import type { MetricRecord, RunSummary } from '../../protocol/runTypes';
import { isSampleStrip, isSegmentationWorst, type SampleStrip, type SegmentationWorst } from '../../protocol/sampleStrip';
import { reconcileSummary } from './interrupted';
import { RUN_FILES } from './store';

/** One run found under a root. */
export interface RunEntry {
  dir: string;
  /** Folder names: `<model>/<timestamp>`. */
  model: string;
  timestamp: string;
  /** null when summary.json is missing or unreadable (see `problem`). */
  summary: RunSummary | null;
  problem?: string;
}

/** Everything stored in one run folder. */
export interface RunRecord extends RunEntry {
  config: unknown;
  metrics: MetricRecord[];
  modelText: string | null;
  hasBest: boolean;
  hasLast: boolean;
}

/** Runs under `root` (`<root>/<model>/<timestamp>/summary.json`), newest first. */
export function listRuns(root: string): RunEntry[] {
  const entries: RunEntry[] = [];
  for (const model of subfolders(root)) {
    for (const stamp of subfolders(join(root, model))) {
      const dir = join(root, model, stamp);
      if (!isRunFolder(dir)) continue;
      entries.push({ dir, model, timestamp: stamp, ...readSummary(dir) });
    }
  }
  return entries.sort((a, b) => b.timestamp.localeCompare(a.timestamp) || a.model.localeCompare(b.model));
}

/** Whether `dir` is a run folder (it has summary.json or config.json). */
export function isRunFolder(dir: string): boolean {
  return existsSync(join(dir, RUN_FILES.summary)) || existsSync(join(dir, RUN_FILES.config));
}

/**
 * The newest run with a checkpoint in a model's runs folder (`runs/<model>/`, whose subfolders are timestamped
 * runs), or null when it holds none. Timestamps sort chronologically as names.
 */
export function latestRunIn(modelDir: string): string | null {
  const stamps = subfolders(modelDir).sort().reverse();
  const stamp = stamps.find((s) => isRunFolder(join(modelDir, s)) && [RUN_FILES.best, RUN_FILES.last].some((c) => existsSync(join(modelDir, s, c, 'model.json'))));
  return stamp === undefined ? null : join(modelDir, stamp);
}

/** Reads one run folder. */
export function readRun(dir: string): RunRecord {
  const parts = dir.split(/[\\/]/).filter(Boolean);
  return {
    dir,
    model: parts[parts.length - 2] ?? '',
    timestamp: parts[parts.length - 1] ?? '',
    ...readSummary(dir),
    config: readRunConfig(dir),
    metrics: readMetrics(join(dir, RUN_FILES.metrics)),
    modelText: readText(join(dir, RUN_FILES.model)),
    hasBest: existsSync(join(dir, RUN_FILES.best, 'model.json')),
    hasLast: existsSync(join(dir, RUN_FILES.last, 'model.json')),
  };
}

/** metrics.jsonl lines that parse as records; a torn last line is skipped. */
export function readMetrics(path: string): MetricRecord[] {
  const text = readText(path, { maxBytes: FILE_LIMITS.metrics, what: 'metrics file' });
  if (!text) return [];
  const records: MetricRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as MetricRecord;
      if (value && (value.kind === 'batch' || value.kind === 'epoch')) records.push(value);
    } catch {
      // A run killed while appending leaves a partial line: ignore it.
    }
  }
  return records;
}

/** summary.json alone, or null when missing or unreadable (readRun also parses the whole metrics.jsonl). */
export function readRunSummary(dir: string): RunSummary | null {
  return readSummary(dir).summary;
}

/** The last epoch's strip of fixed validation images, or null when the run has none (or it is unreadable). */
export function readSampleStrip(dir: string): SampleStrip | null {
  const result = readJson(join(dir, RUN_FILES.samples));
  return result.ok && isSampleStrip(result.value) ? result.value : null;
}

/** A segmentation run's worst test images per class (segmentation-worst.json), or null when it has none. */
export function readSegmentationWorst(dir: string): SegmentationWorst | null {
  const result = readJson(join(dir, RUN_FILES.segmentationWorst));
  return result.ok && isSegmentationWorst(result.value) ? result.value : null;
}

/** config.json alone, or null when missing or unreadable. */
export function readRunConfig(dir: string): unknown {
  const result = readJson(join(dir, RUN_FILES.config));
  return result.ok ? result.value : null;
}

/**
 * The class names training used, in label order: the one list predict, evaluate, the inspector and the panels
 * label outputs with (summary.json's, else config.json's for a run killed before its first summary).
 */
export function readRunClasses(dir: string): string[] | null {
  const fromSummary = readRunSummary(dir)?.classes;
  if (isNames(fromSummary)) return fromSummary;
  const fromConfig = (readRunConfig(dir) as { classes?: unknown } | null)?.classes;
  return isNames(fromConfig) ? fromConfig : null;
}

function isNames(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((c) => typeof c === 'string');
}

function readSummary(dir: string): { summary: RunSummary | null; problem?: string } {
  const result = readJson(join(dir, RUN_FILES.summary));
  if (!result.ok) return { summary: null, problem: result.problem };
  const summary = result.value as RunSummary;
  return { summary: summary && typeof summary === 'object' ? reconcileSummary(dir, summary) : summary };
}

const JSON_LIMITS: ReadLimits = { maxBytes: FILE_LIMITS.json, what: 'run file' };

function readJson(path: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  let text: string;
  try {
    text = readUserText(path, JSON_LIMITS);
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, problem: `${path}: ${(err as Error).message}` };
  }
}

function readText(path: string, limits: ReadLimits = JSON_LIMITS): string | null {
  try {
    return readUserText(path, limits);
  } catch {
    return null;
  }
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !name.startsWith('.') && statSync(join(dir, name)).isDirectory());
  } catch {
    return [];
  }
}

/**
 * A run folder, TensorBoard-style: `<root>/<model-name>/<timestamp>/` holding model.cnn.yaml (snapshot),
 * config.json (resolved), metrics.jsonl, summary.json, best/ and last/ (tfjs weights), and for some tasks the last
 * epoch's validation-samples.json. Every JSON file is written
 * atomically; summary.json exists from the start (status 'running'), so a killed run is still a readable run.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricRecord, RunSummary, TestMetrics } from '../../protocol/runTypes';
import type { SampleStrip } from '../../protocol/sampleStrip';
import { appendJsonLine, writeFileAtomic, writeJsonAtomic } from './atomic';

export const RUN_FILES = {
  model: 'model.cnn.yaml',
  config: 'config.json',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  /** The last epoch's strip of fixed validation images (tasks whose views declare epochSamples). */
  samples: 'validation-samples.json',
  /** Task segmentation: the test pass's worst images per class (protocol SegmentationWorst). */
  segmentationWorst: 'segmentation-worst.json',
  /** Task detection: the test pass's worst images (protocol DetectionWorst). */
  detectionWorst: 'detection-worst.json',
  best: 'best',
  last: 'last',
} as const;

/** The writer side of one run folder. */
export class RunFolder {
  private constructor(readonly dir: string) {}

  /** Creates `<root>/<model>/<timestamp>/` (with a -2, -3… suffix if two runs start in the same second). */
  static create(root: string, modelName: string, now = new Date()): RunFolder {
    const parent = join(root, safeName(modelName));
    mkdirSync(parent, { recursive: true });
    const stamp = timestamp(now);
    for (let n = 1; ; n++) {
      const dir = join(parent, n === 1 ? stamp : `${stamp}-${n}`);
      try {
        mkdirSync(dir);
        return new RunFolder(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }

  get bestDir(): string {
    return join(this.dir, RUN_FILES.best);
  }

  get lastDir(): string {
    return join(this.dir, RUN_FILES.last);
  }

  writeModel(text: string): void {
    writeFileAtomic(join(this.dir, RUN_FILES.model), text);
  }

  writeConfig(config: unknown): void {
    writeJsonAtomic(join(this.dir, RUN_FILES.config), config);
  }

  appendMetrics(record: MetricRecord): void {
    appendJsonLine(join(this.dir, RUN_FILES.metrics), record);
  }

  writeSummary(summary: RunSummary): void {
    writeJsonAtomic(join(this.dir, RUN_FILES.summary), summary);
  }

  writeSamples(strip: SampleStrip): void {
    writeJsonAtomic(join(this.dir, RUN_FILES.samples), strip);
  }
}

/**
 * Writes test figures measured after training (`cnnlab evaluate`) into an existing summary.json, keeping every
 * other key as it is, including keys this version does not know.
 */
export function recordTestMetrics(dir: string, test: TestMetrics, checkpoint: 'best' | 'last'): RunSummary {
  const path = join(dir, RUN_FILES.summary);
  let summary: Record<string, unknown>;
  try {
    summary = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot update ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const updated = { ...summary, test, testCheckpoint: checkpoint, updatedAt: new Date().toISOString() } as unknown as RunSummary;
  writeJsonAtomic(path, updated);
  return updated;
}

/** A folder name from a model name: letters, digits, dot, dash and underscore; anything else becomes '-'. */
export function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return cleaned || 'model';
}

/** Local time as 2026-11-21_23-44-42: sorts chronologically and is valid on every file system. */
function timestamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}_${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

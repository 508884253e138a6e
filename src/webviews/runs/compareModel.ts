/**
 * The Compare panel's content from run folders: each run's epoch curves, the hyperparameters (config.json,
 * flattened to dotted keys) whose values differ between the runs, whether their model files differ, and a table
 * of results. Pure: tested on real run folders without VS Code.
 */
import { startingWeightsFromConfig, startingWeightsText } from '../../protocol/startingWeights';
import type { RunRecord } from '../../trainer/runs/reader';
import type { CompareRow, CompareView } from '../../protocol/webview-training';
import { bestValidationAccuracy, bestValidationMap50, bestValidationMeanIou, epochRecords } from './runStats';
import { timestampLabel } from './runTree';

/** config.json keys that describe where things are, not how the run trained: never a "difference". */
const IGNORED_KEYS = [/^request\.(outDir|searchPaths|cacheDir|extraModulePaths|progressIntervalMs|metricsEveryBatches|modelText)\b/];

/** JSON leaves as dotted keys → strings as they are, other values as compact JSON (`input = [1,28,28]`). */
export function flattenConfig(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flattenConfig(child, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix && value !== undefined && !IGNORED_KEYS.some((re) => re.test(prefix))) {
    out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

/** Rows for the keys whose values are not the same in every config ('—' where a run lacks the key). */
export function differingParams(configs: readonly unknown[]): CompareRow[] {
  const flat = configs.map((c) => flattenConfig(c));
  const keys = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
  return keys
    .map((key) => ({ key, values: flat.map((f) => f.get(key) ?? '—') }))
    .filter((row) => new Set(row.values).size > 1);
}

/** "A", "B"… per distinct model-file snapshot, so "same architecture?" reads at a glance. */
export function modelFileLetters(texts: ReadonlyArray<string | null>): string[] {
  const seen = new Map<string, string>();
  return texts.map((text) => {
    if (text === null) return '—';
    const normalized = text.replace(/\r\n/g, '\n').trimEnd();
    if (!seen.has(normalized)) seen.set(normalized, String.fromCharCode(65 + (seen.size % 26)));
    return seen.get(normalized) as string;
  });
}

/** The whole Compare view for runs read with readRun. */
export function compareView(runs: readonly RunRecord[]): CompareView {
  const epochs = runs.map((r) => epochRecords(r.metrics));
  const differences = differingParams(runs.map((r) => r.config));
  const letters = modelFileLetters(runs.map((r) => r.modelText));
  if (new Set(letters).size > 1) differences.unshift({ key: 'model file (same letter = same text)', values: letters });
  return {
    runs: runs.map((r, i) => ({
      runDir: r.dir,
      label: `${r.summary?.model ?? r.model} · ${timestampLabel(r.timestamp)}`,
      status: r.summary?.status ?? 'unknown',
      epochs: epochs[i],
    })),
    differences,
    results: resultRows(runs, epochs),
  };
}

function resultRows(runs: readonly RunRecord[], epochs: ReturnType<typeof epochRecords>[]): CompareRow[] {
  const s = runs.map((r) => r.summary);
  const row = (key: string, value: (i: number) => string): CompareRow => ({ key, values: runs.map((_, i) => value(i)) });
  // Segmentation runs: mIoU beside the (pixel) accuracy; rows only when some run has it.
  const segmentation = s.some((x) => x?.test?.segmentation) || epochs.some((e) => e.some((r) => typeof r.valMeanIou === 'number'));
  const miou = segmentation
    ? [row('best validation mIoU', (i) => num(bestValidationMeanIou(epochs[i], s[i]), 3)), row('test mIoU', (i) => num(s[i]?.test?.segmentation?.meanIou, 3))]
    : [];
  // Detection runs: mAP@0.5 and mAP@[.5:.95] (they have no accuracy).
  const detection = s.some((x) => x?.test?.detection) || epochs.some((e) => e.some((r) => typeof r.valMap50 === 'number'));
  const map = detection
    ? [
      row('best validation mAP@0.5', (i) => num(bestValidationMap50(epochs[i], s[i]), 3)),
      row('test mAP@0.5', (i) => num(s[i]?.test?.detection?.map50, 3)),
      row('test mAP@[.5:.95]', (i) => num(s[i]?.test?.detection?.map, 3)),
    ]
    : [];
  return [
    row('status', (i) => s[i]?.status ?? 'unknown'),
    row('epochs', (i) => (s[i] ? `${s[i]?.epochsCompleted}/${s[i]?.epochs}` : '—')),
    row('best epoch', (i) => num(s[i]?.bestEpoch, 0)),
    row('best validation loss', (i) => num(s[i]?.bestValLoss, 4)),
    row('best validation accuracy', (i) => pct(bestValidationAccuracy(epochs[i], s[i]))),
    row('test loss', (i) => num(s[i]?.test?.loss, 4)),
    row('test accuracy', (i) => pct(s[i]?.test?.accuracy)),
    ...miou,
    ...map,
    row('samples/s', (i) => num(s[i]?.samplesPerSecond, 0)),
    row('training time', (i) => (s[i] ? `${Math.round(s[i]?.trainSeconds ?? 0)} s` : '—')),
    row('backend', (i) => s[i]?.backend ?? '—'),
    // "from scratch" against "transfer": the weights each run started from.
    row('started', (i) => startingWeightsText(startingWeightsFromConfig(runs[i].config))),
  ];
}

function num(v: number | null | undefined, digits: number): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—';
}

function pct(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '—';
}

/**
 * The runs view's tree as data: runs grouped by model (groups ordered by their latest run, runs newest first),
 * each with a label, a description (status, best validation accuracy, test accuracy), a tooltip, an icon and a
 * context value for menus. Pure: tested on real run folders without VS Code.
 */
import { startingWeightsText, type RunStartingWeights } from '../../protocol/startingWeights';
import { formatTestResult } from '../../protocol/testResult';
import type { RunStatus, RunSummary } from '../../protocol/runTypes';

/** What the tree needs to know about one run folder. */
export interface RunInfo {
  dir: string;
  model: string;
  timestamp: string;
  summary: RunSummary | null;
  bestValAccuracy: number | null;
  /** Segmentation runs: the best epoch's validation mean IoU (shown instead of the pixel accuracy). */
  bestValMeanIou?: number | null;
  /** Detection runs: the best epoch's validation mAP@0.5 (they have no accuracy). */
  bestValMap50?: number | null;
  /** summary.json is missing or unreadable. */
  problem?: string;
  /** config.json's starting weights (null: from scratch; undefined: not read). */
  startingWeights?: RunStartingWeights | null;
}

export type RunTreeStatus = RunStatus | 'interrupted' | 'unknown';

export interface RunItem {
  kind: 'run';
  dir: string;
  model: string;
  status: RunTreeStatus;
  label: string;
  description: string;
  tooltip: string;
  /** Codicon id. */
  icon: string;
  /** For `view/item/context` menus: `cnnlab.run` plus `.running` while this window trains it. */
  contextValue: string;
}

export interface ModelGroup {
  kind: 'model';
  model: string;
  runs: RunItem[];
  description: string;
}

const ICONS: Record<RunTreeStatus, string> = {
  running: 'sync~spin',
  done: 'pass',
  stopped: 'debug-stop',
  failed: 'error',
  interrupted: 'warning',
  unknown: 'question',
};

/** Groups runs by model. `liveDirs` are the runs this window trains now. */
export function groupRuns(runs: readonly RunInfo[], liveDirs: ReadonlySet<string>): ModelGroup[] {
  const groups = new Map<string, RunItem[]>();
  const sorted = [...runs].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  for (const run of sorted) {
    const model = run.summary?.model ?? run.model;
    const items = groups.get(model) ?? [];
    items.push(runItem(run, model, liveDirs.has(run.dir)));
    groups.set(model, items);
  }
  return [...groups.entries()].map(([model, items]) => ({
    kind: 'model',
    model,
    runs: items,
    description: `${items.length} run${items.length === 1 ? '' : 's'}`,
  }));
}

/**
 * The status shown. The reader already calls a run whose recorded owner is gone 'interrupted'; a 'running' summary
 * without an owner (written before owners were recorded) that no window of ours trains is 'interrupted' when stale.
 */
export function treeStatus(summary: RunSummary | null, live: boolean, nowMs = Date.now()): RunTreeStatus {
  if (!summary) return 'unknown';
  if (summary.status !== 'running' || live || summary.owner) return summary.status;
  // Another window or the CLI may be training it: only call it interrupted after an hour without an update.
  const updated = Date.parse(summary.updatedAt);
  return Number.isFinite(updated) && nowMs - updated > 3_600_000 ? 'interrupted' : 'running';
}

function runItem(run: RunInfo, model: string, live: boolean): RunItem {
  const s = run.summary;
  const status = treeStatus(s, live);
  const parts: string[] = [status];
  if (s && status === 'running') parts.push(`epoch ${s.epochsCompleted}/${s.epochs}`);
  if (run.bestValMap50 != null) parts.push(`val mAP@0.5 ${run.bestValMap50.toFixed(3)}`);
  else if (run.bestValMeanIou != null) parts.push(`val mIoU ${run.bestValMeanIou.toFixed(3)}`);
  else if (run.bestValAccuracy !== null) parts.push(`val ${percent(run.bestValAccuracy)}`);
  if (s?.test) parts.push(formatTestResult(s.test, percent, true));
  if (run.startingWeights) parts.push(startingWeightsText(run.startingWeights, false));
  return {
    kind: 'run',
    dir: run.dir,
    model,
    status,
    label: timestampLabel(run.timestamp),
    description: parts.join(' · '),
    tooltip: tooltip(run, status),
    icon: ICONS[status],
    contextValue: live ? 'cnnlab.run.running' : 'cnnlab.run',
  };
}

function tooltip(run: RunInfo, status: RunTreeStatus): string {
  const s = run.summary;
  if (!s) return `${run.dir}\n${run.problem ?? 'no summary.json'}`;
  const lines = [
    `${s.model} — ${status}`,
    `${s.dataset} · ${s.backend} · epochs ${s.epochsCompleted}/${s.epochs}`,
    run.bestValMeanIou != null ? `best validation mIoU ${run.bestValMeanIou.toFixed(3)} (epoch ${s.bestEpoch})` : '',
    run.bestValMap50 != null ? `best validation mAP@0.5 ${run.bestValMap50.toFixed(3)} (epoch ${s.bestEpoch})` : '',
    run.bestValAccuracy !== null ? `best validation ${run.bestValMeanIou != null ? 'pixel ' : ''}accuracy ${percent(run.bestValAccuracy)} (epoch ${s.bestEpoch})` : '',
    s.test ? formatTestResult(s.test, percent) : '',
    run.startingWeights === undefined ? '' : `started ${startingWeightsText(run.startingWeights)}`,
    s.stopReason ?? '',
    s.error ? `error: ${s.error}` : '',
    run.dir,
  ];
  return lines.filter(Boolean).join('\n');
}

/** `2026-11-21_23-44-42(-2)` → `2026-11-21 23:44:42 (2)`; other names unchanged. */
export function timestampLabel(stamp: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})_(\d{2})-(\d{2})-(\d{2})(?:-(\d+))?$/.exec(stamp);
  if (!m) return stamp;
  return `${m[1]} ${m[2]}:${m[3]}:${m[4]}${m[5] ? ` (${m[5]})` : ''}`;
}

function percent(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

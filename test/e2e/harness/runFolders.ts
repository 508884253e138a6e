/**
 * Finding the run folders a training wrote (`…/<model>/<timestamp>/summary.json`, see src/trainer/runs/store.ts)
 * anywhere under a workspace, without assuming where the extension's runs root is. Used by the e2e and the
 * integration suites alike (no vscode or browser imports).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../../src/protocol/runTypes';
import { poll } from './poll';

/** One run folder and its parsed summary.json. */
export interface FoundRun {
  dir: string;
  summary: RunSummary;
}

const SKIP = new Set(['node_modules', '.git', '.vscode-test', '.e2e']);

/** Run folders under `root` whose summary.json names model `model` and was written after `sinceMs`. */
export function findRuns(root: string, model: string, sinceMs: number): FoundRun[] {
  const found: FoundRun[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 6 || !existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || SKIP.has(entry.name)) continue;
      const sub = join(dir, entry.name);
      const file = join(sub, 'summary.json');
      if (existsSync(file) && statSync(file).mtimeMs >= sinceMs) {
        const summary = readSummary(file);
        if (summary?.model === model) found.push({ dir: sub, summary });
      }
      walk(sub, depth + 1);
    }
  };
  walk(root, 0);
  return found;
}

/** A summary.json, or undefined while it is being replaced (it is written atomically, but be lenient). */
function readSummary(file: string): RunSummary | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
  } catch {
    return undefined;
  }
}

/** Waits for a run of `model` started after `sinceMs` whose summary satisfies `ok`. */
export async function waitForRun(
  root: string,
  model: string,
  sinceMs: number,
  what: string,
  ok: (s: RunSummary) => boolean,
  timeoutMs: number,
): Promise<FoundRun> {
  let seen: FoundRun[] = [];
  return poll(
    what,
    async () => {
      seen = findRuns(root, model, sinceMs);
      return seen.find((r) => ok(r.summary));
    },
    {
      timeoutMs,
      intervalMs: 500,
      saw: async () =>
        seen.length
          ? seen.map((r) => `${r.dir}: status ${r.summary.status}, epoch ${r.summary.epochsCompleted}/${r.summary.epochs}`).join('; ')
          : `no summary.json of model "${model}" under ${root}`,
    },
  );
}

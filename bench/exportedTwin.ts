/**
 * The exported train.py as a bench's PyTorch twin (`--twin train.py`): the run CNN Lab just trained is exported with
 * `cnnlab export --format pytorch`, and its train.py trains the same model file from scratch in one process and one
 * thread, writing a CNN Lab run folder that is read back. The data are the same (shapes: CNN Lab's generator writes
 * them; folders: read where the run read them), the validation split and the random streams are NumPy's and
 * torch's: the comparison is statistical, as with the hand-written twins.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochMetrics, RunSummary } from '../src/protocol/runTypes';
import { readRun } from '../src/trainer/runs/reader';

export interface ExportedTwinRun {
  summary: RunSummary & Record<string, unknown>;
  epochs: EpochMetrics[];
  seconds: number;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 3_600_000, maxBuffer: 64 << 20, env });
  if (r.status !== 0) throw new Error(`${args.slice(0, 2).join(' ')} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
}

/** Exports `runDir` to `outDir/export` and trains its train.py (`epochs`: ['--epochs', N] or []) into `outDir/runs`. */
export function trainExportedTwin(cli: string, python: string, runDir: string, outDir: string, epochs: string[]): ExportedTwinRun {
  const exported = join(outDir, 'export');
  run(process.execPath, [cli, 'export', runDir, '--format', 'pytorch', '--out', exported]);
  const start = Date.now();
  run(python, [join(exported, 'train.py'), '--out', join(outDir, 'runs'), ...epochs], { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' });
  const seconds = (Date.now() - start) / 1000;
  const [model] = readdirSync(join(outDir, 'runs'));
  const [stamp] = readdirSync(join(outDir, 'runs', model));
  const record = readRun(join(outDir, 'runs', model, stamp));
  if (record.summary?.status !== 'done') throw new Error(`the exported train.py ended ${record.summary?.status ?? 'without a summary'}`);
  return { summary: record.summary as RunSummary & Record<string, unknown>, epochs: record.metrics.filter((m): m is EpochMetrics => m.kind === 'epoch'), seconds };
}

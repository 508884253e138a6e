/**
 * What the heaviest augmentation pipeline costs a training epoch: the reference CNN on Fashion-MNIST trained by
 * the CLI (dist/cli.js, as users run it) with its plain pipeline (Normalize only) and with
 * bench/reference-cnn-heavy.cnn.yaml, whose pipelines run on the batch workers ahead of the steps
 * (CNNLAB_DATA_WORKERS unset) or in the training thread (CNNLAB_DATA_WORKERS=0, as before the workers).
 *
 *   npm run bench:augment [-- --samples 6400 --repeat 3]
 *
 * Epoch time is the first epoch's wall time from metrics.jsonl (training steps, batch preparation and the
 * validation pass on 10 %); samples/s = training samples / epoch time. Runs are interleaved and the median kept,
 * since the machine is shared; the ratio heavy / plain is what the pipeline costs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagOr, median } from './cli';

interface Case {
  label: string;
  file: string;
  workers?: string;
}

const CASES: Case[] = [
  { label: 'plain (Normalize only)', file: 'bench/reference-cnn.cnn.yaml' },
  { label: 'heavy, in the training thread', file: 'bench/reference-cnn-heavy.cnn.yaml', workers: '0' },
  { label: 'heavy, batch workers', file: 'bench/reference-cnn-heavy.cnn.yaml' },
];

/** Seconds of the first epoch of one CLI training run. */
function epochSeconds(c: Case, samples: number, out: string): number {
  const env = { ...process.env };
  if (c.workers === undefined) delete env.CNNLAB_DATA_WORKERS;
  else env.CNNLAB_DATA_WORKERS = c.workers;
  const json = execFileSync(process.execPath, ['dist/cli.js', 'train', c.file, '--max-train-samples', String(samples), '--out', out, '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const result = JSON.parse(json.trim().split('\n').pop() as string) as { runDir: string; status: string };
  if (result.status !== 'done') throw new Error(`${c.file}: ${result.status}`);
  const epoch = readFileSync(join(result.runDir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"kind":"epoch"'))
    .map((l) => JSON.parse(l) as { seconds: number })[0];
  return epoch.seconds;
}

function main(): void {
  const samples = Number(flagOr('samples', '6400'));
  const repeat = Number(flagOr('repeat', '3'));
  const out = mkdtempSync(join(tmpdir(), 'cnnlab-augment-bench-'));
  try {
    const times = CASES.map(() => [] as number[]);
    for (let r = 0; r < repeat; r++) CASES.forEach((c, i) => times[i].push(epochSeconds(c, samples, out)));
    const plain = median(times[0]);
    console.log(`${samples} training samples, batch 64, median of ${repeat} interleaved runs (node dist/cli.js train … --max-train-samples ${samples})`);
    CASES.forEach((c, i) => {
      const t = median(times[i]);
      const ratio = i === 0 ? '' : `  epoch ×${(t / plain).toFixed(2)} of plain`;
      console.log(`${c.label.padEnd(32)} epoch ${t.toFixed(2)} s  ${(samples / t).toFixed(0).padStart(5)} samples/s${ratio}   [${times[i].map((x) => x.toFixed(2)).join(', ')}]`);
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main();

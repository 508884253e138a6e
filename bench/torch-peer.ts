/**
 * The PyTorch peer (/work/shared/peer/torch_reference.py: the reference CNN, Adam, batch 64, one thread) run from
 * the benchmarks, so that both engines are measured in the same session on the same machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PEER = process.env.CNNLAB_TORCH_PEER ?? '/work/shared/peer/torch_reference.py';
const PYTHON = process.env.CNNLAB_PYTHON ?? '/usr/bin/python3';

/** Training throughput of one engine. */
export interface Rate {
  /** Training samples per wall-clock second. */
  samplesPerSecond: number;
  /** Training samples per CPU second (user + system) of the training process. */
  samplesPerCpuSecond?: number;
}

/** One peer run: its reported samples/s and test accuracy, and the CPU seconds the python process used (bash's `time`). */
function runPeer(samples: number, epochs: number, threads: number): { samplesPerSecond: number; testAccuracy: number; cpuSeconds: number } | undefined {
  const script = `TIMEFORMAT='cpu %U %S'; time ${PYTHON} ${PEER} --threads ${threads} --max-train-samples ${samples} --epochs ${epochs} --json`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 600_000 });
  const line = r.stdout?.trim().split('\n').pop();
  const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  try {
    const { samplesPerSecond, testAccuracy } = JSON.parse(line ?? '') as { samplesPerSecond: number; testAccuracy: number };
    return { samplesPerSecond, testAccuracy, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN };
  } catch {
    process.stderr.write(`PyTorch peer unavailable: ${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()}\n`);
    return undefined;
  }
}

/**
 * The peer's rates with `threads` threads (default one) on `samples` training samples, or undefined without
 * PyTorch. Wall-clock is the peer's own figure (training loop only); per CPU-second comes from two runs of 1 and 3
 * epochs over the same samples, whose difference cancels start-up, data loading and the test pass (`wallOnly`: one
 * run, no CPU figure).
 */
export function measureTorch(samples: number, threads = 1, wallOnly = false): (Rate & { testAccuracy: number }) | undefined {
  if (!existsSync(PEER)) {
    process.stderr.write(`PyTorch peer not found at ${PEER}\n`);
    return undefined;
  }
  const once = runPeer(samples, 1, threads);
  if (once && wallOnly) return { samplesPerSecond: once.samplesPerSecond, testAccuracy: once.testAccuracy };
  const thrice = once && runPeer(samples, 3, threads);
  if (!once || !thrice) return undefined;
  const extraCpu = thrice.cpuSeconds - once.cpuSeconds;
  return {
    samplesPerSecond: once.samplesPerSecond,
    samplesPerCpuSecond: extraCpu > 0 ? (2 * samples) / extraCpu : undefined,
    testAccuracy: once.testAccuracy,
  };
}

/** PyTorch's default intra-op thread count on this machine (its physical cores), or undefined without PyTorch. */
export function torchDefaultThreads(): number | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.get_num_threads())'], { encoding: 'utf8', timeout: 120_000 });
  const n = Number(r.stdout?.trim());
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

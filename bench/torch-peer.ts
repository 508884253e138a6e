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
function runPeer(samples: number, epochs: number): { samplesPerSecond: number; testAccuracy: number; cpuSeconds: number } | undefined {
  const script = `TIMEFORMAT='cpu %U %S'; time ${PYTHON} ${PEER} --threads 1 --max-train-samples ${samples} --epochs ${epochs} --json`;
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
 * The peer's rates with one thread on `samples` training samples, or undefined without PyTorch. Wall-clock is the
 * peer's own figure (training loop only); per CPU-second comes from two runs of 1 and 3 epochs over the same samples,
 * whose difference cancels start-up, data loading and the test pass.
 */
export function measureTorch(samples: number): (Rate & { testAccuracy: number }) | undefined {
  if (!existsSync(PEER)) {
    process.stderr.write(`PyTorch peer not found at ${PEER}\n`);
    return undefined;
  }
  const once = runPeer(samples, 1);
  const thrice = once && runPeer(samples, 3);
  if (!once || !thrice) return undefined;
  const extraCpu = thrice.cpuSeconds - once.cpuSeconds;
  return {
    samplesPerSecond: once.samplesPerSecond,
    samplesPerCpuSecond: extraCpu > 0 ? (2 * samples) / extraCpu : undefined,
    testAccuracy: once.testAccuracy,
  };
}

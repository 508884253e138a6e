/**
 * The arithmetic limit the training benchmarks compare against: GFLOP/s of a large single-thread XNNPACK matmul on
 * the active tfjs backend, per CPU-second (what the core can do when it runs) and per wall-clock second (what a
 * loaded, shared machine gives right now).
 */
import type { TF } from '../src/trainer/backend/index';

export interface MatmulSpeed {
  gflopsPerCpuSecond: number;
  gflopsPerWallSecond: number;
}

/** Best of three timings of 8 products [512×1024]·[1024×512] (the operands stay packed: pure arithmetic). */
export function matmulSpeed(tf: TF): MatmulSpeed {
  const [m, k, n] = [512, 1024, 512];
  const a = tf.randomUniform([m, k]);
  const b = tf.randomUniform([k, n]);
  tf.matMul(a, b).dispose();
  const reps = 8;
  let cpuSeconds = Infinity;
  let wallSeconds = Infinity;
  for (let r = 0; r < 3; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) tf.matMul(a, b).dispose();
    const cpu = process.cpuUsage(cpu0);
    wallSeconds = Math.min(wallSeconds, (performance.now() - t0) / 1000);
    cpuSeconds = Math.min(cpuSeconds, (cpu.user + cpu.system) / 1e6);
  }
  tf.dispose([a, b]);
  const flops = 2 * m * k * n * reps;
  return { gflopsPerCpuSecond: flops / cpuSeconds / 1e9, gflopsPerWallSecond: flops / wallSeconds / 1e9 };
}

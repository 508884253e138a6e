/**
 * Training speed of the reference CNN (batch 64, Adam 1e-3, Fashion-MNIST) on our embedded engine, against
 * PyTorch with one thread measured in the same run, plus the roofline fraction.
 *
 *   node --import tsx bench/train-step-bench.ts [--steps 100] [--repeat 3] [--backend wasm] [--no-torch] [--builtin]
 *
 * --builtin measures the wasm backend's own kernels (only the missing Conv2DBackpropFilter is ours).
 * Samples/s counts training samples over the time spent in training steps (data already in memory),
 * like the peer script. The roofline is this machine's single-thread wasm matmul speed, measured here.
 * On a shared, loaded machine wall-clock rates swing with other people's work, so the ratio is also given
 * per CPU-second: ours from process.cpuUsage() around the steps, PyTorch's from the CPU time of two peer
 * runs of 1 and 3 epochs over the same N samples (the difference cancels start-up, data loading and test).
 */
import { initBackend, isBackendChoice, type TF } from '../src/trainer/backend/index';
import { restoreWasmKernels, trainingKernelOriginals } from '../src/trainer/kernels/register';
import { matmulSpeed } from './roofline';
import { measureTorch, type Rate } from './torch-peer';
import { BATCH, batchAt, createWeights, loadFashionMnist, trainingFlopsPerSample, trainStep } from './reference-cnn';
import { flagOr, median } from './cli';

/** Samples/s of `steps` training steps after a short warm-up (XNNPACK operator caches, heap growth). */
function measureOurs(tf: TF, steps: number, data: ReturnType<typeof loadFashionMnist>): Rate & { loss: number } {
  const weights = createWeights(tf);
  const opt = tf.train.adam(1e-3);
  const step = (i: number): number => {
    const b = batchAt(tf, data, i);
    const loss = trainStep(tf, opt, weights, b.x, b.y);
    tf.dispose([b.x, b.y]);
    return loss;
  };
  for (let i = 0; i < 5; i++) step(i);
  let samples = 0;
  let loss = NaN;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    loss = step(i);
    samples += Math.min(BATCH, data.y.length - ((i * BATCH) % data.y.length));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  tf.dispose(weights);
  opt.dispose();
  return { samplesPerSecond: samples / seconds, samplesPerCpuSecond: samples / ((cpu.user + cpu.system) / 1e6), loss };
}

async function main(): Promise<void> {
  const steps = Number(flagOr('steps', '100'));
  const repeat = Number(flagOr('repeat', '3'));
  const choice = flagOr('backend', 'wasm');
  if (!isBackendChoice(choice)) throw new Error(`unknown backend ${choice}`);
  const init = await initBackend(choice, { log: (m) => process.stderr.write(`${m}\n`) });
  const { tf } = init;
  let { description } = init;
  if (process.argv.includes('--builtin') && init.name === 'wasm') {
    restoreWasmKernels(tf, trainingKernelOriginals(tf));
    description = 'wasm built-in kernels (+ our Conv2DBackpropFilter, which it lacks)';
  }
  const data = loadFashionMnist(steps * BATCH);
  const flops = trainingFlopsPerSample();
  const speed = matmulSpeed(tf);
  const peak = speed.gflopsPerCpuSecond;
  console.log(`backend: ${description}`);
  console.log(`reference CNN: ${(flops / 1e6).toFixed(2)} MFLOP per training sample; XNNPACK matmul here ${peak.toFixed(1)} GFLOP per CPU-second (${speed.gflopsPerWallSecond.toFixed(1)} per wall-clock second now) → roofline ${Math.round((peak * 1e9) / flops)} samples per CPU-second`);
  const rows: Array<{ ours: Rate; torch?: Rate }> = [];
  for (let r = 0; r < repeat; r++) {
    const ours = measureOurs(tf, steps, data);
    const torch = process.argv.includes('--no-torch') ? undefined : measureTorch(steps * BATCH);
    rows.push({ ours, torch });
    const gflops = ((ours.samplesPerCpuSecond ?? ours.samplesPerSecond) * flops) / 1e9;
    const cpuRatio = torch?.samplesPerCpuSecond && ours.samplesPerCpuSecond ? `, per CPU-second ${(ours.samplesPerCpuSecond / torch.samplesPerCpuSecond).toFixed(2)}× (${ours.samplesPerCpuSecond.toFixed(0)} vs ${torch.samplesPerCpuSecond.toFixed(0)})` : '';
    const ratio = torch ? ` | PyTorch 1 thread ${torch.samplesPerSecond.toFixed(0)} samples/s | ratio ${(ours.samplesPerSecond / torch.samplesPerSecond).toFixed(2)}×${cpuRatio}` : '';
    console.log(
      `run ${r + 1}: ours ${ours.samplesPerSecond.toFixed(0)} samples/s (${gflops.toFixed(2)} GFLOP per CPU-second, ${((100 * gflops) / peak).toFixed(0)}% of roofline, loss ${ours.loss.toFixed(3)})${ratio}`,
    );
  }
  const best = (xs: number[]): number => Math.max(...xs);
  const torchRuns = rows.flatMap((r) => (r.torch ? [r.torch.samplesPerSecond] : []));
  const oursBest = best(rows.map((r) => r.ours.samplesPerSecond));
  const cpuRatios = rows.flatMap((r) => (r.torch?.samplesPerCpuSecond && r.ours.samplesPerCpuSecond ? [r.ours.samplesPerCpuSecond / r.torch.samplesPerCpuSecond] : []));
  console.log(
    JSON.stringify({
      backend: description,
      oursSamplesPerSecond: Math.round(oursBest),
      torchSamplesPerSecond: torchRuns.length ? Math.round(best(torchRuns)) : null,
      ratioPerRun: rows.map((r) => (r.torch ? +(r.ours.samplesPerSecond / r.torch.samplesPerSecond).toFixed(3) : null)),
      cpuSecondRatioMedian: cpuRatios.length ? +median(cpuRatios).toFixed(3) : null,
      rooflineFraction: +((best(rows.map((r) => r.ours.samplesPerCpuSecond ?? 0)) * flops) / 1e9 / peak).toFixed(3),
      matmulGflops: +peak.toFixed(2),
    }),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

/**
 * Benchmark (not a test): parse + infer + diagnose a generated 500-layer model file with analyzeModel.
 * Target: under 20 ms per analysis (the editor re-analyses on every keystroke).
 * Run: npx tsx bench/parse-bench.ts [layers=500] [runs=50]
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import { analyzeModel } from '../src/model';

/** A deep, valid CNN mixing call syntax and mapping form, plus one deliberate mistake to diagnose. */
function generateModel(layerCount: number): string {
  const lines = ['name: bench', 'input: [3, 64, 64]', 'classes: 10', 'layers:', '  - Conv2d(3, 32, 3, padding=1)'];
  const block = [
    '  - Conv2d(32, 32, 3, padding=1, bias=False)   # call syntax',
    '  - batchnorm2d: {num_features: 32}',
    '  - ReLU(inplace=True)',
    '  - conv2d: {out_channels: 32, kernel_size: [3, 3], padding: 1}',
    '  - Dropout2d(0.1)',
  ];
  while (lines.length - 4 < layerCount - 3) lines.push(block[(lines.length - 5) % block.length]);
  lines.push('  - AdaptiveAvgPool2d((1, 1))', '  - Flatten()', '  - Linear(64, 10)   # wrong on purpose: 32 arrive');
  lines.push('data: {dataset: cifar10, validation_split: 0.1}', 'train: {epochs: 5, optimizer: sgd, lr: 0.05, momentum: 0.9}');
  return lines.join('\n') + '\n';
}

/** Median wall time of `f` over `runs` runs, after a warm-up. */
function medianMs(f: () => void, runs: number): { median: number; p90: number; min: number } {
  for (let i = 0; i < 10; i++) f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(runs / 2)], p90: times[Math.floor(runs * 0.9)], min: times[0] };
}

function main(): void {
  const layers = Number(process.argv[2] ?? 500);
  const runs = Number(process.argv[3] ?? 50);
  const text = generateModel(layers);
  const first = analyzeModel(text);
  // CPU time as well as wall time: on a shared, loaded machine wall time mostly measures the queue.
  const cpu0 = process.cpuUsage();
  const all = medianMs(() => analyzeModel(text), runs);
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / (runs + 10);
  const yamlOnly = medianMs(() => parseDocument(text, { prettyErrors: false, uniqueKeys: true }), runs);
  console.log(`analyzeModel on a ${first.layers.length}-layer file (${text.length} chars, ${first.diagnostics.length} diagnostic(s)):`);
  console.log(`  wall: median ${all.median.toFixed(2)} ms, p90 ${all.p90.toFixed(2)} ms, min ${all.min.toFixed(2)} ms over ${runs} runs (target < 20 ms)`);
  console.log(`  of which YAML parsing alone (yaml.parseDocument): median ${yamlOnly.median.toFixed(2)} ms, min ${yamlOnly.min.toFixed(2)} ms`);
  console.log(`  CPU time per analysis: ${cpuMs.toFixed(2)} ms (process, incl. GC threads); load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
}

main();

/**
 * The editor's cost on the zoo models: the full analysis (parse, shape inference, diagnostics: what the editor
 * runs once per document version) and a hover, as median/p95 wall time, with the process's CPU time per analysis
 * and the garbage collector's share, so a slow median can be told apart from a loaded machine (wall ≫ CPU) or
 * allocation (GC).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { hoverAt } from '../src/language/hover';
import { analyzeModel } from '../src/model';
import { SourceText } from '../src/model/parse/sourceText';

const ZOO = join(__dirname, '..', 'examples', 'zoo');

interface Timing {
  median: number;
  p95: number;
  /** Process CPU time (user + system) per call. */
  cpu: number;
  /** Garbage-collection pause time per call. */
  gc: number;
}

async function measure(runs: number, fn: (i: number) => unknown): Promise<Timing> {
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const samples: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn(i);
    samples.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpuStart);
  // The observer hears of collections on a later turn of the event loop.
  await new Promise((done) => setTimeout(done, 20));
  observer.disconnect();
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(runs / 2)], p95: samples[Math.floor(runs * 0.95)], cpu: (cpu.user + cpu.system) / 1000 / runs, gc: gcMs / runs };
}

const ms = (x: number) => `${x.toFixed(2)} ms`.padStart(9);
const line = (t: Timing) => `median ${ms(t.median)} · p95 ${ms(t.p95)} · CPU ${ms(t.cpu)} · GC ${ms(t.gc)}`;

export async function zooBench(): Promise<void> {
  console.log('Zoo models: full analysis (analyzeModel) and hover on the last conv, per call');
  for (const file of readdirSync(ZOO).filter((f) => f.endsWith('.cnn.yaml')).sort()) {
    const text = readFileSync(join(ZOO, file), 'utf8');
    for (let i = 0; i < 20; i++) analyzeModel(text); // warm the JIT
    const analysis = analyzeModel(text);
    if (analysis.diagnostics.some((d) => d.severity === 'error')) throw new Error(`${file} has errors: ${analysis.diagnostics[0].message}`);
    const src = new SourceText(text);
    const conv = [...analysis.layers].reverse().find((l) => l.type === 'Conv2d') ?? analysis.layers[0];
    const at = { line: conv.range.start.line, character: conv.range.start.character + 2 };
    const name = file.replace('.cnn.yaml', '').padEnd(19);
    console.log(`  ${name}${String(analysis.layers.length).padStart(4)} layers  analysis: ${line(await measure(100, () => analyzeModel(text)))}`);
    console.log(`  ${''.padEnd(30)}hover:    ${line(await measure(500, () => hoverAt(analysis, src, at)))}`);
  }
}

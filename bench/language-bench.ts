/**
 * Editor-feature benchmark (not a timed test): hover, inlay hints, completion, code actions and symbols
 * on a generated 200-layer model file, the full analysis and a hover of every zoo model (examples/zoo), plus the
 * extension's load + activate cost with a stub `vscode`.
 * Targets from the issues: hover < 5 ms on a 200-layer file, ResNet-50 analysis well under 20 ms, activation < 150 ms.
 * Run: npm run build && node --import tsx bench/language-bench.ts [--zoo-only]
 */
import { codeActionsAt } from '../src/language/codeActions';
import { completionsAt } from '../src/language/completion';
import { hoverAt } from '../src/language/hover';
import { inlayHints } from '../src/language/inlayHints';
import { documentSymbols } from '../src/language/symbols';
import { analyzeModel } from '../src/model';
import { SourceText } from '../src/model/parse/sourceText';
import { activationCost } from './activationCost';
import { zooBench } from './zooAnalysisBench';

/** 200 layers mixing both forms; the shape is kept so every layer is valid. */
function modelWith(layers: number): string {
  const kinds = [
    '  - Conv2d(16, 16, 3, padding=1)            # call syntax',
    '  - batchnorm2d',
    '  - conv2d: {out_channels: 16, kernel_size: 3, padding: 1}',
    '  - ReLU()',
  ];
  const lines = ['name: bench', 'input: [16, 64, 64]', 'layers:'];
  for (let i = 0; i < layers - 3; i++) lines.push(kinds[i % kinds.length]);
  lines.push('  - AdaptiveAvgPool2d(1)', '  - Flatten()', '  - Linear(16, 10)');
  lines.push('train: {epochs: 1, batch_size: 32, optimizer: adam}');
  return lines.join('\n') + '\n';
}

function time<T>(runs: number, fn: (i: number) => T): { mean: number; p95: number; max: number } {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn(i);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { mean: samples.reduce((a, b) => a + b, 0) / runs, p95: samples[Math.floor(runs * 0.95)], max: samples[runs - 1] };
}

const fmt = (r: { mean: number; p95: number; max: number }) => `mean ${r.mean.toFixed(3)} ms · p95 ${r.p95.toFixed(3)} ms · max ${r.max.toFixed(3)} ms`;

/** The 200-layer file's editor features and the extension's activation. */
function editorBench(): void {
  const text = modelWith(200);
  const coldStart = performance.now();
  const analysis = analyzeModel(text);
  const cold = performance.now() - coldStart;
  const src = new SourceText(text);
  if (analysis.layers.length !== 200 || analysis.diagnostics.length) throw new Error(`bench model is wrong: ${analysis.layers.length} layers, ${JSON.stringify(analysis.diagnostics[0])}`);
  const positions = analysis.layers.map((l) => ({ line: l.range.start.line, character: l.range.start.character + 2 }));

  console.log(`200-layer file (${text.length} chars)`);
  console.log(`  analyzeModel, first call (cold):      ${cold.toFixed(2)} ms`);
  console.log(`  analyzeModel (warm, once per version): ${fmt(time(20, () => analyzeModel(text)))}`);
  console.log(`  hover on every layer (cached analysis): ${fmt(time(2000, (i) => hoverAt(analysis, src, positions[i % 200])))}`);
  console.log(`  hover on the last layer:              ${fmt(time(500, () => hoverAt(analysis, src, positions[199])))}`);
  console.log(`  hover incl. re-analysis (cache miss):   ${fmt(time(20, () => hoverAt(analyzeModel(text), new SourceText(text), positions[100])))}`);
  console.log(`  inlay hints, whole file:              ${fmt(time(200, () => inlayHints(analysis, src)))}`);
  console.log(`  completion in a call:                 ${fmt(time(500, () => completionsAt(src, { line: 3, character: 20 })))}`);
  console.log(`  code actions on a layer:              ${fmt(time(500, (i) => codeActionsAt(analysis, src, { start: positions[i % 200], end: positions[i % 200] })))}`);
  console.log(`  document symbols:                     ${fmt(time(200, () => documentSymbols(analysis, src)))}`);

  console.log(`extension host (stub vscode, fresh process): ${activationCost()}`);
}

void zooBench().then(() => {
  if (!process.argv.includes('--zoo-only')) editorBench();
});

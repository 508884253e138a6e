/**
 * Fuzz: thousands of seeded random mutations of the example and fixture files (truncations, inserted
 * characters, garbage arguments, shuffled lines). analyzeModel must never throw, never hit its internal-error
 * safety net, and keep every range inside the document.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeModel, DIAGNOSTIC_CODES, explainLayer, formatSummaryTable, summaryJson, type Range, type Severity } from '../../src/model';

const root = join(__dirname, '..', '..');
const sources = [
  ...readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.cnn.yaml')).map((f) => join(root, 'examples', f)),
  ...readdirSync(join(root, 'test/fixtures/model/diagnostics')).map((f) => join(root, 'test/fixtures/model/diagnostics', f)),
].map((f) => readFileSync(f, 'utf8'));

/** mulberry32: small, seeded, good enough to pick mutations reproducibly. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARS = '()[]{}:,-\'"#\n\t =.0123456789abcdefxyzXYZ_\\|>&*!%@`\r\u00e9\u2013';
const GARBAGE = ['-1', '0', '1e9', '3.5', "'x'", 'None', 'True', '((', ')', '[1, 2, 3]', 'nan', '99999999999', '-0', ':', '{a: 1}', '1e400', 'same', '*', ''];

function mutate(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  switch (Math.floor(r() * 7)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(CHARS.split(''))).join('') + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 20));
    case 3:
      return text.replace(/\d+(\.\d+)?/g, (m) => (r() < 0.15 ? pick(GARBAGE) : m));
    case 4: {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      lines.splice(Math.floor(r() * lines.length), 0, lines[i]);
      return lines.join('\n');
    }
    case 5:
      return text.replace(/[A-Za-z_]+(?==)/g, (m) => (r() < 0.2 ? pick(['kernel', 'strides', 'padding', 'bias', 'x']) : m));
    default: {
      const lines = text.split('\n');
      const i = Math.floor(r() * lines.length);
      const j = Math.floor(r() * lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }
  }
}

function assertInside(range: Range, lines: string[], what: string): void {
  const ok = (p: Range['start']) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
  assert.ok(ok(range.start) && ok(range.end), `${what} range ${JSON.stringify(range)} outside the document`);
  assert.ok(range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character), `${what} range reversed`);
}

/** Every code the core emits is in DIAGNOSTIC_CODES, with the severity it is listed with. */
function assertListed(code: string, severity: Severity): void {
  const listed = (DIAGNOSTIC_CODES as Record<string, { severities: readonly Severity[] }>)[code];
  assert.ok(listed, `code '${code}' is not in DIAGNOSTIC_CODES`);
  assert.ok(listed.severities.includes(severity), `'${code}' emitted as ${severity}, listed as ${listed.severities.join('/')}`);
}

describe('fuzz: analyzeModel never throws on malformed files', () => {
  it('3000 seeded mutations (1–3 each) of the examples and fixtures', () => {
    const r = rng(20261121);
    let diagnosed = 0;
    for (let n = 0; n < 3000; n++) {
      let text = sources[n % sources.length];
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) text = mutate(text, r);
      const analysis = analyzeModel(text);
      const lines = text.split(/\r\n|\r|\n/);
      assert.ok(!analysis.diagnostics.some((d) => d.code === 'internal-error'), `internal error on:\n${text}\n${JSON.stringify(analysis.diagnostics)}`);
      for (const d of analysis.diagnostics) {
        assertListed(d.code, d.severity);
        assertInside(d.range, lines, d.code);
        for (const f of d.fixes ?? []) assertInside(f.range, lines, `fix of ${d.code}`);
      }
      for (const l of analysis.layers) {
        assertInside(l.range, lines, `layer ${l.index}`);
        explainLayer(l);
      }
      formatSummaryTable(analysis);
      JSON.stringify(summaryJson(analysis));
      if (analysis.diagnostics.length) diagnosed++;
    }
    assert.ok(diagnosed > 1000, `most mutations are diagnosed (${diagnosed})`);
  });

  // Runaway inputs (nested repeats, deep tuples, huge sizes) are cut off by the core's own limits.
  it('pathological inputs', () => {
    const cases = [
      '', '\n', '---\n---\n', 'null', '[]', '42', '"text"', 'input: [1, 2, 3]\nlayers: null\n', 'layers:\n  - \n',
      'input: [1,28,28]\nlayers:\n  - repeat: {times: 1000, layers: [repeat: {times: 1000, layers: [repeat: {times: 1000, layers: [relu]}]}]}\n',
      'input: [1,28,28]\nlayers:\n  - repeat: {times: 1000, layers: [repeat: {times: 1000, layers: [repeat: {times: 1000, layers: []}]}]}\n',
      'input: [1,28,28]\nlayers:\n  - AdaptiveAvgPool2d(1000000000)\n',
      `input: [1,28,28]\nlayers:\n  - Conv2d(${'('.repeat(5000)}\n`,
      `input: [1,28,28]\nlayers:\n  - Conv2d(1, 2, 3${', 1'.repeat(20000)})\n`,
      'input: [1,28,28]\nlayers: &a\n  - *a\n',
      'input: [1e300, 1e300, 1e300]\nlayers: [flatten, Linear(5, 5)]\n',
      'input: [1,28,28]\nlayers:\n  - {}\n  - {a: 1, b: 2}\n  - [relu]\n  - residual: 5\n  - repeat: []\n',
      'input: [1,28,28]\nlayers:\n  - Conv2d(1, 4, 3, padding=1)\n  - residual: [MaxPool2d(2)]\n  - residual: {layers: [], projection: [relu]}\n',
      '\ufeffinput: [1, 28, 28]\r\nlayers:\r\n  - Conv2d(2, 4, 3)\r\n',
    ];
    for (const text of cases) {
      const analysis = analyzeModel(text);
      assert.ok(!analysis.diagnostics.some((d) => d.code === 'internal-error'), `${text.slice(0, 80)}: ${JSON.stringify(analysis.diagnostics[0])}`);
      const lines = text.split(/\r\n|\r|\n/);
      for (const d of analysis.diagnostics) {
        assertListed(d.code, d.severity);
        assertInside(d.range, lines, d.code);
      }
    }
  });
});

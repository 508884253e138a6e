/**
 * docs/model-file.md against the core: the committed file is what the generator produces now, every YAML example
 * in it is a model the core accepts, and its diagnostics table lists exactly the codes src/model reports.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REFERENCE_PATH, renderModelReference } from '../../scripts/gen-model-reference';
import { analyzeModel, DIAGNOSTIC_CODES, LAYER_TYPES, type Severity } from '../../src/model';
import { MISMATCH_CODES } from '../../src/model/layers/checks';

const MODEL_SRC = join(__dirname, '..', '..', 'src', 'model');

function yamlBlocks(markdown: string): Array<{ line: number; text: string }> {
  return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => ({
    line: markdown.slice(0, m.index).split('\n').length,
    text: m[1],
  }));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every diagnostic code src/model reports, with the severities it reports it with, read from the source. */
function reportedCodes(): Map<string, Set<Severity>> {
  const codes = new Map<string, Set<Severity>>();
  const note = (code: string, ...severities: Severity[]) => {
    const set = codes.get(code) ?? new Set<Severity>();
    severities.forEach((s) => set.add(s));
    codes.set(code, set);
  };
  // inferredCount (layers/checks.ts) reports MISMATCH_CODES[name] as errors.
  Object.values(MISMATCH_CODES).forEach((code) => note(code, 'error'));
  for (const file of sourceFiles(MODEL_SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(error|warning)\(\s*(?:'([^']+)'|`([^`]+)`)/g)) {
      const [severity, code] = [m[1] as Severity, m[2] ?? m[3]];
      if (!code.includes('${')) note(code, severity);
      else assert.fail(`${file}: a computed diagnostic code this test cannot read: ${code}`);
    }
    for (const m of text.matchAll(/\badd\(\s*'(error|warning|info)',\s*'([a-z0-9-]+)'/g)) note(m[2], m[1] as Severity);
    // modelFile.ts: `report` is sink.error or sink.warning, chosen at run time.
    for (const m of text.matchAll(/\breport\(\s*'([a-z0-9-]+)'/g)) note(m[1], 'error', 'warning');
  }
  return codes;
}

describe('docs/model-file.md', () => {
  const committed = readFileSync(REFERENCE_PATH, 'utf8');

  it('is up to date with the generator (run `npm run docs` after changing the catalogs)', () => {
    assert.equal(committed, renderModelReference());
  });

  it('has only YAML examples that analyse without errors or warnings', () => {
    const blocks = yamlBlocks(committed);
    assert.ok(blocks.length >= 7, `expected the guide's examples, found ${blocks.length} yaml blocks`);
    for (const block of blocks) {
      const analysis = analyzeModel(block.text);
      const problems = analysis.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code}: ${d.message}`);
      assert.deepEqual(problems, [], `the yaml block at line ${block.line} of model-file.md`);
      assert.ok(analysis.layers.length > 0 && analysis.outputShape.length > 0, `the block at line ${block.line} resolves its layers`);
    }
  });

  it('documents every layer type with its torch signature', () => {
    for (const type of LAYER_TYPES) {
      assert.match(committed, new RegExp(`^#### ${type}$`, 'm'));
      // DetectionHead is CNN Lab's own module, defined in the exported model.py.
      assert.ok(committed.includes(`${type === 'DetectionHead' ? 'model.py: ' : 'torch.nn.'}${type}(`), `${type} signature`);
    }
  });

  it('lists exactly the diagnostic codes the core reports, with their severities', () => {
    const reported = reportedCodes();
    assert.ok(reported.size > 30, `the scan found ${reported.size} codes: has the reporting code changed shape?`);
    const documented = new Map(Object.entries(DIAGNOSTIC_CODES).map(([code, d]) => [code, new Set(d.severities)]));
    assert.deepEqual([...reported.keys()].filter((c) => !documented.has(c)).sort(), [], 'codes reported by src/model but not documented');
    assert.deepEqual([...documented.keys()].filter((c) => !reported.has(c)).sort(), [], 'documented codes src/model no longer reports');
    for (const [code, severities] of reported) assert.deepEqual([...(documented.get(code) ?? [])].sort(), [...severities].sort(), `severities of ${code}`);
    for (const code of documented.keys()) assert.ok(committed.includes(`| \`${code}\` |`), `${code} is in the table`);
  });
});

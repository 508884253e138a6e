import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIG_DEFAULTS, readConfig, resolveRunsDirectory } from '../../src/config';
import { AnalysisCache } from '../../src/language/analysisCache';
import { KeyedDebouncer } from '../../src/language/debounce';
import { analyzeModel } from '../../src/model';

const source = (values: Record<string, unknown>) => ({ get: (key: string) => values[key] });

describe('settings', () => {
  it('reads typed values and falls back to defaults for missing or wrong ones', () => {
    assert.deepEqual(readConfig(source({})), CONFIG_DEFAULTS);
    assert.deepEqual(
      readConfig(source({ 'inlayHints.enabled': false, 'diagnostics.debounceMs': 50, backend: 'wasm', runsDirectory: 'out/runs' })),
      { ...CONFIG_DEFAULTS, inlayHintsEnabled: false, diagnosticsDebounceMs: 50, backend: 'wasm', runsDirectory: 'out/runs', maxImagePixels: undefined },
    );
    assert.deepEqual(
      readConfig(source({ 'inlayHints.enabled': 'no', 'diagnostics.debounceMs': -3, backend: 'cuda', runsDirectory: '  ' })),
      CONFIG_DEFAULTS,
    );
    assert.equal(readConfig(source({ 'diagnostics.debounceMs': 1e9 })).diagnosticsDebounceMs, 5000);
    assert.equal(readConfig(source({ maxImagePixels: 5_000_000 })).maxImagePixels, 5_000_000);
    for (const bad of [0, 2.5, '9', null]) assert.equal(readConfig(source({ maxImagePixels: bad })).maxImagePixels, undefined);
    assert.equal(readConfig(source({ workers: 3 })).workers, 3);
    for (const bad of [0, 1.5, '2', null]) assert.equal(readConfig(source({ workers: bad })).workers, undefined);
    const torch = readConfig(source({ 'pytorch.python': ' /opt/venv/bin/python ', 'pytorch.command': ['torchrun', '--nproc_per_node={nproc}'], 'pytorch.nprocPerNode': 4 }));
    assert.deepEqual([torch.pytorchPython, torch.pytorchCommand, torch.pytorchNprocPerNode], ['/opt/venv/bin/python', ['torchrun', '--nproc_per_node={nproc}'], 4]);
    const bad = readConfig(source({ 'pytorch.command': [], 'pytorch.nprocPerNode': 0 }));
    assert.deepEqual([bad.pytorchCommand, bad.pytorchNprocPerNode], [CONFIG_DEFAULTS.pytorchCommand, 2]);
  });
});

describe('analysis cache', () => {
  it('analyses each document version once, shared by all callers', () => {
    let calls = 0;
    const cache = new AnalysisCache((text) => {
      calls++;
      return analyzeModel(text);
    });
    const text = 'input: [1, 8, 8]\nlayers:\n  - Conv2d(1, 2, 3)\n';
    let reads = 0;
    const get = (version: number) => cache.get('file:///a', version, () => (reads++, text));
    const first = get(1);
    assert.equal(get(1), first);
    assert.equal(calls, 1);
    assert.equal(reads, 1);
    assert.deepEqual(first?.analysis.layers[0].outputShape, [2, 6, 6]);
    assert.equal(first?.src.lineText(2), '  - Conv2d(1, 2, 3)');
    get(2);
    assert.equal(calls, 2);
    cache.delete('file:///a');
    assert.equal(cache.size, 0);
  });

  it('turns an exception into undefined and a report, never a throw', () => {
    const errors: unknown[] = [];
    const cache = new AnalysisCache(() => {
      throw new Error('boom');
    }, (e) => errors.push(e));
    assert.equal(cache.get('k', 1, () => ''), undefined);
    assert.equal(errors.length, 1);
  });
});

describe('debouncer', () => {
  it('runs only the last call per key, after the delay, and keys are independent', async () => {
    const debouncer = new KeyedDebouncer();
    const ran: string[] = [];
    debouncer.schedule('a', 20, () => ran.push('a1'));
    debouncer.schedule('a', 20, () => ran.push('a2'));
    debouncer.schedule('b', 5, () => ran.push('b'));
    assert.equal(debouncer.pending, 2);
    await waitFor(() => ran.length === 2);
    assert.deepEqual(ran, ['b', 'a2']);
    debouncer.schedule('c', 5, () => ran.push('c'));
    debouncer.dispose();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(ran, ['b', 'a2']);
  });
});

/** Polls instead of sleeping a fixed time (STYLE.md §12). */
async function waitFor(done: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('runs directory', () => {
  it('resolves a relative setting inside the workspace and keeps absolute ones', () => {
    assert.equal(resolveRunsDirectory('.cnnlab/runs', '/w'), '/w/.cnnlab/runs');
    assert.equal(resolveRunsDirectory('/data/runs', '/w'), '/data/runs');
    assert.equal(resolveRunsDirectory('.cnnlab/runs', undefined), undefined);
  });
});

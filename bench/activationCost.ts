/**
 * The extension's load + activate cost: dist/extension.js loaded in a fresh process with a stub `vscode`, then
 * activate() called (shared by the editor benchmarks). Also counts the tfjs modules and WebAssembly modules that
 * activation pulled in: both must wait until they are needed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Loads dist/extension.js in a fresh process with a stub `vscode` and calls activate(). */
export function activationCost(bundle = join(__dirname, '..', 'dist', 'extension.js')): string {

  if (!existsSync(bundle)) return 'dist/extension.js missing: run npm run build first';
  const script = `
    const Module = require('module');
    // esbuild's ESM interop copies the module's own keys, so the stub lists every name @types/vscode exports.
    const dts = require('fs').readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
    const API = [...new Set([...dts.matchAll(/^\\s*export (?:class|enum|namespace|const|function) (\\w+)/gm)].map((m) => m[1]))];
    const stub = () => new Proxy(function () {}, {
      get: (_t, p) => (p === Symbol.iterator ? function* () {} : p === 'then' ? undefined : stub()),
      apply: () => stub(),
      construct: () => stub(),
      set: () => true,
      ownKeys: (t) => [...new Set([...API, ...Reflect.ownKeys(t)])],
      getOwnPropertyDescriptor: (t, p) => Reflect.getOwnPropertyDescriptor(t, p) ?? { configurable: true, enumerable: true, value: stub() },
    });
    const load = Module._load;
    Module._load = function (request, ...rest) { return request === 'vscode' ? stub() : load.call(this, request, ...rest); };
    // Counts WebAssembly compiled while loading and activating (the Python parser must wait for a Python file).
    let wasm = 0;
    for (const f of ['compile', 'instantiate']) { const real = WebAssembly[f]; WebAssembly[f] = (...a) => (wasm++, real.apply(WebAssembly, a)); }
    const t0 = performance.now();
    const ext = require(${JSON.stringify(bundle)});
    const t1 = performance.now();
    const root = ${JSON.stringify(join(__dirname, '..'))};
    const uri = (p) => ({ fsPath: p, path: p, scheme: 'file', toString: () => 'file://' + p });
    ext.activate({ subscriptions: [], extensionUri: uri(root), extensionPath: root, globalStorageUri: uri(require('os').tmpdir() + '/cnnlab-bench') });
    const t2 = performance.now();
    const tf = Object.keys(require.cache).filter((k) => k.includes('tfjs'));
    setTimeout(() => console.log(JSON.stringify({ load: t1 - t0, activate: t2 - t1, tfjsModules: tf.length, wasm })), 200);`;
  const r = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: join(__dirname, '..') }));
  return `load ${r.load.toFixed(1)} ms + activate ${r.activate.toFixed(1)} ms = ${(r.load + r.activate).toFixed(1)} ms; tfjs modules loaded: ${r.tfjsModules}; WebAssembly modules compiled: ${r.wasm}`;
}

/**
 * The Python parser: tree-sitter's Python grammar compiled to WebAssembly (@vscode/tree-sitter-wasm, the build
 * VS Code itself ships), loaded once and lazily: nothing is read until the first Python document asks for it.
 * The runtime (tree-sitter.js) and the .wasm files are copied next to the bundle (dist/tree-sitter/) by
 * scripts/build.mjs; from sources (tests, benchmarks) they are read from node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Parser as TsParser, Tree } from '@vscode/tree-sitter-wasm';

export type { Node as PyNode, Tree as PyTree } from '@vscode/tree-sitter-wasm';

export const RUNTIME_JS = 'tree-sitter.js';
export const RUNTIME_WASM = 'tree-sitter.wasm';
export const PYTHON_WASM = 'tree-sitter-python.wasm';

export interface PythonParser {
  /** A tree of `text`; with `old` (a tree already given the edit from its text to `text`), re-parses only the change. */
  parse(text: string, old?: Tree): Tree;
}

let loading: Promise<PythonParser> | undefined;

/** The folder holding tree-sitter.wasm and tree-sitter-python.wasm: beside the bundle, else the npm package's. */
export function defaultWasmDir(): string {
  const bundled = join(__dirname, 'tree-sitter');
  if (existsSync(join(bundled, PYTHON_WASM))) return bundled;
  const pkg = createRequire(__filename).resolve('@vscode/tree-sitter-wasm/package.json');
  return join(dirname(pkg), 'wasm');
}

/** Loads the runtime and the grammar once per process; later calls share the same parser. */
export function loadPythonParser(wasmDir = defaultWasmDir()): Promise<PythonParser> {
  loading ??= load(wasmDir).catch((e: unknown) => {
    loading = undefined;
    throw new Error(`Could not load the Python parser from ${wasmDir}: ${e instanceof Error ? e.message : String(e)}`);
  });
  return loading;
}

async function load(wasmDir: string): Promise<PythonParser> {
  // Required by path, at first use: the runtime's JavaScript stays out of the extension's bundle, so loading and
  // activating the extension costs nothing until a Python document needs the parser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require(join(wasmDir, RUNTIME_JS)) as typeof import('@vscode/tree-sitter-wasm');
  await ts.Parser.init({ locateFile: (file: string) => join(wasmDir, file) });
  const language = await ts.Language.load(readFileSync(join(wasmDir, PYTHON_WASM)));
  const parser: TsParser = new ts.Parser();
  parser.setLanguage(language);
  return {
    parse(text: string, old?: Tree): Tree {
      const tree = parser.parse(text, old);
      if (!tree) throw new Error('the Python parser returned no tree');
      return tree;
    },
  };
}

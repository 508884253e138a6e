/** The Python parser ships inside the extension: tree-sitter's .wasm files are copied beside the bundle by the build. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPythonParser, PYTHON_WASM, RUNTIME_JS, RUNTIME_WASM } from '../../src/python/parser';

const dist = join(__dirname, '..', '..', 'dist', 'tree-sitter');

describe('Python parser', () => {
  it('the build copies the runtime (JavaScript and wasm) and the Python grammar into dist/tree-sitter', () => {
    for (const f of [RUNTIME_JS, RUNTIME_WASM, PYTHON_WASM]) assert.ok(existsSync(join(dist, f)), `${f} in dist/tree-sitter (run node scripts/build.mjs)`);
  });

  it('parses Python from the copied files, errors included, without throwing', async () => {
    const parser = await loadPythonParser(dist);
    const tree = parser.parse('class Net(nn.Module):\n    def forward(self, x):\n        return self.fc(x\n');
    assert.equal(tree.rootNode.type, 'module');
    assert.ok(tree.rootNode.hasError, 'the missing parenthesis is a syntax error in the tree, not an exception');
    assert.equal(tree.rootNode.namedChildren[0]?.type, 'class_definition');
  });

  it('is loaded once and shared', async () => {
    assert.equal(await loadPythonParser(dist), await loadPythonParser());
  });
});

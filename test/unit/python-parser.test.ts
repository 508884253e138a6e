/** The Python parser ships inside the extension: tree-sitter's .wasm files are copied beside the bundle by the build. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPythonParser, PYTHON_WASM, RUNTIME_JS, RUNTIME_WASM, type PyNode, type PyTree } from '../../src/python/parser';
import { textEdit } from '../../src/python/textEdit';

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

/** Every node as type@start-end (indices and rows/columns), depth first: equal lists mean equal trees. */
function nodes(tree: PyTree): string[] {
  const out: string[] = [];
  const walk = (n: PyNode): void => {
    out.push(`${n.type}@${n.startIndex}-${n.endIndex}:${n.startPosition.row}.${n.startPosition.column}-${n.endPosition.row}.${n.endPosition.column}`);
    for (const c of n.children) if (c) walk(c);
  };
  walk(tree.rootNode);
  return out;
}

describe('incremental re-parsing', () => {
  const base = readFileSync(join(__dirname, '..', 'fixtures', 'pytorch', 'resnet_block.py'), 'utf8');
  const edits: Record<string, (t: string) => string> = {
    'a digit changed': (t) => t.replace('3', '5'),
    'a line of non-ASCII and an emoji inserted': (t) => t.replace('\n', '\n# é ünï 😀 comment\n'),
    'an unclosed parenthesis in the middle': (t) => `${t.slice(0, t.length >> 1)}x = (${t.slice(t.length >> 1)}`,
    'a class appended': (t) => `${t}\nclass Z(nn.Module):\n    pass\n`,
    'an emoji replaced by another sharing its high surrogate': (t) => t.replace('\n', '\n# 😀\n').replace('😀', '😁'),
    'everything deleted': () => '',
  };
  for (const [name, change] of Object.entries(edits)) {
    it(`gives the tree a fresh parse gives: ${name}`, async () => {
      const parser = await loadPythonParser();
      const before = name.includes('high surrogate') ? base.replace('\n', '\n# 😀\n') : base;
      const after = change(base);
      const old = parser.parse(before);
      const edit = textEdit(before, after);
      assert.ok(edit, 'the texts differ');
      old.edit(edit);
      const incremental = parser.parse(after, old);
      const fresh = parser.parse(after);
      assert.deepEqual(nodes(incremental), nodes(fresh));
      for (const t of [old, incremental, fresh]) t.delete();
    });
  }

  it('finds no edit between equal texts, and the smallest one otherwise', () => {
    assert.equal(textEdit('abc', 'abc'), null);
    assert.deepEqual(textEdit('a\nbc\nd', 'a\nbXc\nd'), {
      startIndex: 3, oldEndIndex: 3, newEndIndex: 4,
      startPosition: { row: 1, column: 1 }, oldEndPosition: { row: 1, column: 1 }, newEndPosition: { row: 1, column: 2 },
    });
  });
});

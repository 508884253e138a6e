/** PyTorch code support as package.json and the packaging contribute it, checked against the code. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PYTHON_WASM, RUNTIME_JS, RUNTIME_WASM } from '../../src/python/parser';

const root = join(__dirname, '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json'));
const PYTHON_COMMANDS = ['cnnlab.python.setInputShape', 'cnnlab.python.openAsModel'];

describe('PyTorch code in the manifest', () => {
  it('activates on Python documents (notebook cells are Python documents too)', () => {
    assert.ok(pkg.activationEvents.includes('onLanguage:python'));
  });

  it('contributes the CodeLens commands, registers them, and keeps them out of the palette (they need a model)', () => {
    const contributed = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    const registered = read('src/language/vscode/pythonProviders.ts') + read('src/language/vscode/pythonCommands.ts');
    const hidden = new Set(pkg.contributes.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command));
    for (const id of PYTHON_COMMANDS) {
      assert.ok(contributed.has(id), `${id} contributed`);
      assert.ok(registered.includes(`'${id}'`), `${id} has an id in the code`);
      assert.ok(hidden.has(id), `${id} hidden from the palette`);
    }
    assert.match(read('src/extension.ts'), /registerPythonFeatures\(/);
  });

  it('the build copies the parser\'s runtime and .wasm files into dist/ and the package lets them through', () => {
    const build = read('scripts/build.mjs');
    for (const f of [RUNTIME_JS, RUNTIME_WASM, PYTHON_WASM]) assert.ok(build.includes(`'${f}'`), `build.mjs copies ${f}`);
    assert.match(read('.vscodeignore'), /^!dist\/\*\*\/\*\.\{js,wasm/m);
    assert.ok(pkg.dependencies['@vscode/tree-sitter-wasm'], 'a dependency (bundled), not a dev dependency');
  });
});

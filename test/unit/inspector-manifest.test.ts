/**
 * The inspector as package.json contributes it, checked against the code: its commands are contributed and
 * registered, the panel is restored after a reload, "Inspect Run" is on run rows, the editor-only command stays out
 * of the palette, and the editor hover's link targets the contributed command.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { INSPECTOR_COMMANDS, INSPECTOR_VIEW_TYPE, showLayerMapsLink } from '../../src/webviews/inspector/inspectorIds';

const root = join(__dirname, '..', '..');
const read = (p: string): string => readFileSync(join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json'));
type MenuItem = { command: string; when?: string };

describe('inspector manifest', () => {
  it('contributes and registers both inspector commands, and extension.ts registers the inspector', () => {
    const contributed = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    const source = read('src/webviews/inspector/inspectorCommands.ts');
    for (const [key, id] of Object.entries(INSPECTOR_COMMANDS)) {
      assert.ok(contributed.has(id), `${id} is contributed`);
      assert.ok(source.includes(`INSPECTOR_COMMANDS.${key}`), `${id} is registered`);
    }
    assert.match(read('src/extension.ts'), /registerInspector\(/);
    const title = pkg.contributes.commands.find((c: { command: string }) => c.command === INSPECTOR_COMMANDS.inspectRun);
    assert.equal(`${title.category}: ${title.title}`, 'CNN Lab: Inspect Run');
  });

  it('restores inspectors after a reload and activates on the command', () => {
    assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${INSPECTOR_VIEW_TYPE}`));
    assert.ok(pkg.activationEvents.includes(`onCommand:${INSPECTOR_COMMANDS.inspectRun}`));
  });

  it('offers Inspect Run on finished and running run rows, and hides the editor-only command from the palette', () => {
    const items = pkg.contributes.menus['view/item/context'] as MenuItem[];
    const when = items.find((m) => m.command === INSPECTOR_COMMANDS.inspectRun)?.when ?? '';
    const re = /viewItem =~ \/(.+)\/$/.exec(when);
    assert.ok(re && /view == cnnlab\.runs/.test(when), when);
    const rows = new RegExp(re[1]);
    assert.ok(rows.test('cnnlab.run') && rows.test('cnnlab.run.running') && !rows.test('cnnlab.runModel'));
    const palette = pkg.contributes.menus.commandPalette as MenuItem[];
    assert.ok(palette.some((m) => m.command === INSPECTOR_COMMANDS.showLayerMaps && m.when === 'false'));
    assert.ok(!palette.some((m) => m.command === INSPECTOR_COMMANDS.inspectRun && m.when === 'false'));
  });

  it('builds hover links to the contributed command with the layer (and run) as arguments', () => {
    const link = showLayerMapsLink(4, '/runs/a b');
    const [command, query] = link.replace(/^command:/, '').split('?');
    assert.equal(command, INSPECTOR_COMMANDS.showLayerMaps);
    assert.deepEqual(JSON.parse(decodeURIComponent(query)), [4, '/runs/a b']);
    // The hover trusts exactly this command (MarkdownString.isTrusted.enabledCommands).
    assert.match(read('src/language/vscode/hoverProvider.ts'), /enabledCommands: \[INSPECTOR_COMMANDS\.showLayerMaps\]/);
  });
});

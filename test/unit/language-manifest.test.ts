import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS, NEW_MODEL_SNIPPET } from '../../src/language/commands';
import { analyzeModel } from '../../src/model';
import { BACKEND_CHOICES } from '../../src/protocol/runTypes';

const root = join(__dirname, '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json'));

/** Expands a snippet body with each placeholder's default (first choice for `${1|a,b|}`). */
function expandSnippet(body: string[]): string {
  return body
    .join('\n')
    .replace(/\$\{\d+\|([^,|]+)[^}]*\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d+/g, '');
}

describe('extension manifest', () => {
  it('activates on model files, the commands and the summary panel, never on startup', () => {
    const events: string[] = pkg.activationEvents;
    for (const e of ['onLanguage:cnn-yaml', 'workspaceContains:**/*.cnn.yaml', 'onCommand:cnnlab.showSummary', 'onCommand:cnnlab.newModelFile', 'onWebviewPanel:cnnlab.summary']) {
      assert.ok(events.includes(e), e);
    }
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'));
    // Every command of the editor features (COMMANDS) is contributed and registered by the extension.
    const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);
    const sources = read('src/extension.ts') + read('src/training/ids.ts');
    for (const [key, id] of Object.entries(COMMANDS)) {
      assert.ok(contributed.includes(id), `${id} is contributed`);
      assert.ok(sources.includes(`COMMANDS.${key}`), `${id} is registered`);
    }
  });

  it('declares the language, grammar, snippets and icons with files that exist', () => {
    const [language] = pkg.contributes.languages;
    assert.deepEqual(language.extensions, ['.cnn.yaml', '.cnn.yml']);
    for (const p of [language.configuration, language.icon.light, pkg.contributes.grammars[0].path, pkg.contributes.snippets[0].path, pkg.icon]) {
      assert.ok(existsSync(join(root, p)), p);
    }
    const config = JSON.parse(read(language.configuration));
    assert.equal(config.comments.lineComment, '#');
    for (const rule of Object.values(config.indentationRules) as string[]) new RegExp(rule);
  });

  it('has a grammar whose patterns compile and which embeds YAML', () => {
    const grammar = JSON.parse(read(pkg.contributes.grammars[0].path));
    assert.equal(grammar.scopeName, pkg.contributes.grammars[0].scopeName);
    assert.ok(grammar.patterns.some((p: { include?: string }) => p.include === 'source.yaml'));
    const regexes: string[] = [];
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (['match', 'begin', 'end'].includes(k) && typeof v === 'string') regexes.push(v);
        else walk(v);
      }
    };
    walk(grammar.repository);
    assert.ok(regexes.length >= 8);
    for (const r of regexes) new RegExp(r);
    const call = new RegExp(grammar.repository.call.begin);
    assert.deepEqual(call.exec('nn.Conv2d(1, 16, 3)')?.slice(1), ['nn.', 'Conv2d', '(']);
    const kw = new RegExp(grammar.repository.arguments.patterns[0].match);
    assert.equal(kw.exec('padding=1')?.[1], 'padding');
  });

  it('has settings with the defaults src/config.ts uses', () => {
    const props = pkg.contributes.configuration.properties;
    assert.equal(props['cnnlab.inlayHints.enabled'].default, true);
    assert.equal(props['cnnlab.diagnostics.debounceMs'].default, 200);
    assert.deepEqual(props['cnnlab.backend'].enum, [...BACKEND_CHOICES]);
    assert.equal(props['cnnlab.backend'].enumDescriptions.length, BACKEND_CHOICES.length);
    assert.equal(typeof props['cnnlab.runsDirectory'].default, 'string');
  });

  it('ships snippets that are valid models once expanded', () => {
    const snippets = JSON.parse(read(pkg.contributes.snippets[0].path));
    const template = snippets[NEW_MODEL_SNIPPET];
    assert.equal(template.isFileTemplate, true);
    const model = analyzeModel(expandSnippet(template.body));
    assert.deepEqual(model.diagnostics, []);
    assert.deepEqual(model.outputShape, [10]);
    const block = (name: string) => expandSnippet(snippets[name].body).split('\n').map((l) => `  ${l}`).join('\n');
    const blocks = analyzeModel(`input: [3, 32, 32]\nlayers:\n${block('Conv block')}\n${block('Residual block').replace(/64/g, '32')}\n`);
    assert.deepEqual(blocks.diagnostics, []);
    assert.deepEqual(blocks.outputShape, [32, 32, 32]);
  });
});

/// <reference types="mocha" />
/** Hovers, inlay hints, diagnostics and quick fixes on fixture models, through VS Code's provider commands. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, hoverText, inlayHintLabels, openFixture, positionOf, quickFixes, waitForDiagnostics } from './helpers';

/** The errors among diagnostics (the extension may add infos and warnings beside them). */
function errorsOf(diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic[] {
  return diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
}

suite('language', () => {
  teardown(closeAllEditors);

  test('hover: Conv2d shows input → output shape and the worked formula', async () => {
    const doc = await openFixture('tiny.cnn.yaml');
    const text = await hoverText(doc, positionOf(doc, /- Conv2d/, 3));
    assert.match(text, /1×28×28/, text);
    assert.match(text, /16×28×28/, text);
    assert.match(text, /⌊\(28 \+ 2·1 − 3\)\/1⌋ \+ 1 = 28/, `no worked output-size formula:\n${text}`);
    assert.match(text, /160/, `no parameter count (160):\n${text}`);
  });

  test('hover: Linear shows its parameter count', async () => {
    const doc = await openFixture('tiny.cnn.yaml');
    const text = await hoverText(doc, positionOf(doc, /- Linear/, 3));
    assert.match(text, /3136/, text);
    assert.match(text, /31[,\u202f ]?370/, `no parameter count (31,370):\n${text}`);
  });

  test('inlay hints: every layer line shows its output shape', async () => {
    const doc = await openFixture('tiny.cnn.yaml');
    const labels = (await inlayHintLabels(doc)).join(' | ');
    for (const shape of ['16×28×28', '16×14×14', '3136']) assert.ok(labels.includes(shape), `no inlay hint ${shape}: ${labels}`);
  });

  test('diagnostics: a wrong in_features is one error on the Linear argument, naming 1352', async () => {
    const doc = await openFixture('mistake.cnn.yaml');
    const diagnostics = await waitForDiagnostics(doc, 'an error in mistake.cnn.yaml', (d) => errorsOf(d).length > 0);
    const [error, ...rest] = errorsOf(diagnostics);
    assert.equal(rest.length, 0, `expected one error, got ${rest.length + 1}`);
    assert.equal(error.severity, vscode.DiagnosticSeverity.Error);
    const linearLine = positionOf(doc, /- Linear/).line;
    assert.equal(error.range.start.line, linearLine, `the error is on line ${error.range.start.line + 1}, not the Linear line`);
    assert.match(doc.getText(error.range), /100/, `the underline covers "${doc.getText(error.range)}", not the 100`);
    assert.match(error.message, /1352/, error.message);
  });

  test('quick fix: setting in_features to 1352 clears the error', async () => {
    const doc = await openFixture('mistake.cnn.yaml');
    const [error] = errorsOf(await waitForDiagnostics(doc, 'an error in mistake.cnn.yaml', (d) => errorsOf(d).length > 0));
    const fixes = await quickFixes(doc, error.range);
    const fix = fixes.find((f) => f.edit && /1352/.test(f.title));
    assert.ok(fix?.edit, `no quick fix mentioning 1352: [${fixes.map((f) => f.title).join(' | ')}]`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.lineAt(error.range.start.line).text, /Linear\(1352, 10\)/);
    await waitForDiagnostics(doc, 'no error after the fix', (d) => errorsOf(d).length === 0);
  });
});

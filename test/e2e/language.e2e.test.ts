/**
 * The language features as a person meets them: hover a Conv2d line and read its output shape, see inlay
 * hints, make a mistake and see the squiggle and the Problems count, apply the quick fix.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { locate } from './harness/editor';
import { poll } from './harness/poll';
import { e2eSuite } from './harness/session';

const e2eTest = e2eSuite('language');

e2eTest('hover: a Conv2d line shows its output shape 16×28×28', async ({ wb, editor, file, capture }) => {
  await wb.openFile('tiny.cnn.yaml');
  const conv = locate(file('tiny.cnn.yaml'), /- Conv2d/);
  const place = { line: conv.line, column: conv.column + 3 };
  const text = await editor.hoverText(place, /16\s*×\s*28\s*×\s*28/);
  assert.match(text, /1\s*×\s*28\s*×\s*28/, `the hover should show the input shape too:\n${text}`);
  await capture('hover-conv2d', () => editor.hoverText(place, /16\s*×\s*28\s*×\s*28/));
  await editor.dismiss();
});

e2eTest('hover: the fashion-mnist example shows a C×H×W shape on its first Conv2d line', async ({ wb, editor, file, capture }) => {
  await wb.openFile('fashion-mnist.cnn.yaml');
  const conv = locate(file('fashion-mnist.cnn.yaml'), /- conv2d/i);
  const place = { line: conv.line, column: conv.column + 3 };
  await editor.hoverText(place, /\d+\s*×\s*\d+\s*×\s*\d+/);
  await capture('hover-fashion-mnist', () => editor.hoverText(place, /\d+\s*×\s*\d+\s*×\s*\d+/));
  await editor.dismiss();
});

e2eTest('inlay hints: layer lines show their output shapes', async ({ wb, editor, capture }) => {
  await wb.openFile('tiny.cnn.yaml');
  let hints: string[] = [];
  await poll(
    'inlay hints with 16×28×28 and 3136',
    async () => {
      hints = await editor.inlayHints();
      const all = hints.join(' ');
      return /16\s*×\s*28\s*×\s*28/.test(all) && /3136|3,136/.test(all) ? true : undefined;
    },
    { saw: async () => `[${hints.join(' | ')}]` },
  );
  await capture('inlay-hints');
});

e2eTest('diagnostics: a wrong in_features is underlined and counted in Problems', async ({ wb, editor, file, capture }) => {
  await wb.openFile('mistake.cnn.yaml');
  const problems = await editor.waitForProblems('one error in Problems', (p) => p.errors >= 1);
  assert.equal(problems.errors, 1, `mistake.cnn.yaml has one mistake, the status bar counts ${problems.errors} errors`);
  await editor.waitForErrorSquiggles('an error squiggle in the editor');
  const linear = locate(file('mistake.cnn.yaml'), /- Linear/);
  const place = { line: linear.line, column: linear.column + 3 };
  await editor.hoverText(place, /1352/);
  await capture('diagnostics-mistake', () => editor.hoverText(place, /1352/));
  await editor.dismiss();
});

e2eTest('quick fix: typing a mistake shows a squiggle, Ctrl+. fixes it and Problems clears', async ({ wb, editor, file, capture }) => {
  await wb.openFile('tiny.cnn.yaml');
  // The Problems count covers the whole workspace (other tests' files included): compare with it.
  const before = await editor.problems();
  const linear = locate(file('tiny.cnn.yaml'), /- Linear\(3136, 10\)/);
  await editor.replaceLine(linear.line, '  - Linear(100, 10)');
  await editor.waitForProblems('one more error after typing Linear(100, 10)', (p) => p.errors === before.errors + 1);
  await editor.waitForErrorSquiggles('an error squiggle under the typed mistake');
  const place = { line: linear.line, column: linear.column + '- Linear('.length };
  await capture('quick-fix-menu', () => editor.quickFixTitles(place));
  const applied = await editor.applyQuickFix(place, /3136/);
  await editor.waitForProblems(`the error gone after "${applied}"`, (p) => p.errors === before.errors);
  await editor.save();
  assert.match(readFileSync(file('tiny.cnn.yaml'), 'utf8'), /Linear\(3136, 10\)/, 'the fix did not restore Linear(3136, 10)');
  await capture('quick-fix-after');
});

/**
 * PyTorch habits in the editor: a line pasted from a course's forward() (`F.relu(x)`) is understood, shown as a
 * warning, and its quick fix writes the layer it stands for.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { locate } from './harness/editor';
import { e2eSuite } from './harness/session';

const e2eTest = e2eSuite('habits');

e2eTest('quick fix: a pasted F.relu(x) line gets a warning whose fix writes ReLU()', async ({ wb, editor, file, capture }) => {
  await wb.openFile('tiny.cnn.yaml');
  // The Problems count covers the whole workspace (other tests' files included): compare with it.
  const before = await editor.problems();
  const relu = locate(file('tiny.cnn.yaml'), /- ReLU\(\)/);
  await editor.replaceLine(relu.line, '  - F.relu(x)');
  await editor.waitForProblems('one more warning (and no error) after typing F.relu(x)', (p) => p.warnings === before.warnings + 1 && p.errors === before.errors);
  const place = { line: relu.line, column: relu.column + '- F.'.length };
  await capture('python-habit-quick-fix', () => editor.quickFixTitles(place));
  const applied = await editor.applyQuickFix(place, /Replace with ReLU\(\)/);
  await editor.waitForProblems(`the warning gone after "${applied}"`, (p) => p.warnings === before.warnings && p.errors === before.errors);
  await editor.save();
  assert.match(readFileSync(file('tiny.cnn.yaml'), 'utf8'), /\n {2}- ReLU\(\)\n {2}- MaxPool2d\(2\)/, 'the fix did not write ReLU()');
});

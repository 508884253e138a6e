/**
 * Transform pipelines in the editor: hovering a step of data.transforms.train says what it does and where it sits in
 * the pipeline; completion inside the list offers transforms (not layers), and accepting one writes its call.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { locate } from './harness/editor';
import { e2eSuite } from './harness/session';

const e2eTest = e2eSuite('transforms');
const FILE = 'augmented.cnn.yaml';

e2eTest('hover: a transform of data.transforms.train shows what it does and its place in the pipeline', async ({ wb, editor, file, capture }) => {
  await wb.openFile(FILE);
  const flip = locate(file(FILE), /RandomHorizontalFlip/);
  const place = { line: flip.line, column: flip.column + 3 };
  const text = await editor.hoverText(place, /Mirrors the image left-right/);
  assert.match(text, /RandomHorizontalFlip/, `the hover names the transform:\n${text}`);
  assert.match(text, /step 2 of data\.transforms\.train/, `the hover places it in the pipeline:\n${text}`);
  assert.match(text, /p\s*=\s*0\.5/, `the hover shows the default probability:\n${text}`);
  await capture('hover-transform', () => editor.hoverText(place, /Mirrors the image left-right/));
  await editor.dismiss();
});

e2eTest('completion: inside data.transforms.train the list offers transforms, and accepting one writes its call', async ({ page, wb, editor, file, capture }) => {
  await wb.openFile(FILE);
  const before = await editor.problems();
  const flip = locate(file(FILE), /- RandomHorizontalFlip\(\)/);
  await editor.replaceLine(flip.line, '      - Random');
  const offered = await editor.completionLabels(/RandomErasing/);
  for (const name of ['RandomRotation', 'RandomErasing', 'RandomResizedCrop']) {
    assert.ok(offered.some((l) => l.startsWith(name)), `${name} offered: [${offered.join(' | ')}]`);
  }
  assert.ok(!offered.some((l) => /^(Conv2d|Linear|ReLU)\b/.test(l)), `no layers inside a transforms list: [${offered.join(' | ')}]`);
  await capture('completion-transforms', () => editor.completionLabels(/RandomErasing/));
  await editor.dismiss();
  // Narrow to one and accept it: the file is back to what it was.
  await editor.replaceLine(flip.line, '      - RandomHoriz');
  await editor.completionLabels(/^RandomHorizontalFlip/);
  await page.keyboard.press('Enter');
  await editor.save();
  assert.match(readFileSync(file(FILE), 'utf8'), /\n {6}- RandomHorizontalFlip\(\)\n/, 'accepting the suggestion did not write RandomHorizontalFlip()');
  await editor.waitForProblems('no new problems after the completion', (p) => p.errors === before.errors && p.warnings === before.warnings);
});

/**
 * Graph models as a person meets them in examples/inception-shapes.cnn.yaml: hover a concat and read how its
 * channels add up; make the branches disagree and see the mismatch diagnostic with both shapes; paste
 * `torch.cat([...], dim=1)` and let the quick fix write the concat; see the summary's drawing of the four lanes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { locate } from './harness/editor';
import { commandLabel } from './harness/manifest';
import { poll } from './harness/poll';
import { e2eSuite } from './harness/session';
import { waitForFrameText, waitForWebview } from './harness/webview';

const e2eTest = e2eSuite('graphs');
const FILE = 'inception-shapes.cnn.yaml';

e2eTest('hover: a concat in inception-shapes shows its output 32×16×16 and how the channels add up', async ({ wb, editor, file, capture }) => {
  await wb.openFile(FILE);
  const concat = locate(file(FILE), /- concat\(b1/);
  const place = { line: concat.line, column: concat.column + 3 };
  const text = await editor.hoverText(place, /32\s*×\s*16\s*×\s*16/);
  assert.match(text, /8 \(b1\) \+ 12 \(b2\) \+ 6 \(b3\) \+ 6 \(b4\) = 32/, `the hover should work out the channels:\n${text}`);
  await capture('graph-hover-concat', () => editor.hoverText(place, /32\s*×\s*16\s*×\s*16/));
  await editor.dismiss();
});

e2eTest('diagnostics: a branch with another size makes the concat an error that names both shapes', async ({ wb, editor, file, capture }) => {
  await wb.openFile(FILE);
  const before = await editor.problems();
  const b4 = locate(file(FILE), /- b4 = Conv2d\(16, 6, 1\)/);
  const original = readFileSync(file(FILE), 'utf8').split('\n')[b4.line - 1];
  await editor.replaceLine(b4.line, original.replace('Conv2d(16, 6, 1)', 'Conv2d(16, 6, 1, stride=2)'));
  await editor.waitForProblems('one more error after the stride', (p) => p.errors === before.errors + 1);
  await editor.waitForErrorSquiggles('a squiggle under the concat');
  const concat = locate(file(FILE), /- concat\(b1/);
  const place = { line: concat.line, column: concat.column + 3 };
  const text = await editor.hoverText(place, /needs the same height and width/);
  assert.match(text, /b1 is \[8, 16, 16\]/, text);
  assert.match(text, /b4 is \[6, 8, 8\] \(Conv2d at line \d+\)/, text);
  await capture('graph-merge-mismatch', () => editor.hoverText(place, /needs the same height and width/));
  await editor.dismiss();
  await editor.replaceLine(b4.line, original);
  await editor.waitForProblems('the error gone with the stride removed', (p) => p.errors === before.errors);
  // Saved as it was, so Quick Open finds the file by its name again (a dirty file is listed with "unsaved changes").
  await editor.save();
  assert.equal(readFileSync(file(FILE), 'utf8').split('\n')[b4.line - 1], original);
});

e2eTest('quick fix: a pasted torch.cat([b1, b2, b3, b4], dim=1) becomes concat(b1, b2, b3, b4)', async ({ wb, editor, file, capture }) => {
  await wb.openFile(FILE);
  const concat = locate(file(FILE), /- concat\(b1, b2, b3, b4\)/);
  const before = await editor.problems();
  await editor.replaceLine(concat.line, '  - torch.cat([b1, b2, b3, b4], dim=1)');
  await editor.waitForProblems('a python-habit warning for the pasted torch.cat', (p) => p.warnings === before.warnings + 1 && p.errors === before.errors);
  const place = { line: concat.line, column: '  - torch.c'.length };
  await capture('graph-torch-cat-fix', () => editor.quickFixTitles(place));
  await editor.applyQuickFix(place, /Replace with concat\(b1, b2, b3, b4\)/);
  await editor.waitForProblems('the warning gone after the fix', (p) => p.warnings === before.warnings && p.errors === before.errors);
  await editor.save();
  await poll('the file to hold concat(b1, b2, b3, b4) again', async () => (readFileSync(file(FILE), 'utf8').split('\n')[concat.line - 1].includes('- concat(b1, b2, b3, b4)') ? true : undefined));
});

e2eTest('summary: the architecture drawing of inception-shapes draws its branches in lanes into each concat', async ({ wb, page, manifest, capture }) => {
  await wb.openFile(FILE);
  await wb.runCommand(commandLabel(manifest, 'cnnlab.showSummary'));
  const frame = await waitForWebview(page, 'the summary panel', /inception-shapes/);
  // The wires into the first concat carry each branch's name and shape.
  await waitForFrameText(frame, 'the branch b2 labelled with its shape on its wire', /b2 12\s*×\s*16\s*×\s*16/);
  const drawing = await poll('the drawing with its merges and wires', async () => {
    // A string, as the other e2e files do: the harness is compiled without the DOM library.
    const found = (await frame.evaluate(`(() => {
      const svg = document.querySelector('.architecture svg');
      if (!svg) return undefined;
      return { label: svg.getAttribute('aria-label') ?? '', merges: svg.querySelectorAll('.arch-merge').length, wires: svg.querySelectorAll('.arch-edge').length };
    })()`)) as { label: string; merges: number; wires: number } | undefined;
    return found && found.merges > 0 ? found : undefined;
  });
  assert.equal(drawing.merges, 2, 'two concats');
  assert.match(drawing.label, /\(4 parallel branches\)/);
  assert.ok(drawing.wires >= 20, `wires between the blocks: ${drawing.wires}`);
  await capture('graph-summary-drawing');
});

/**
 * Shapes on hover in PyTorch code, as a person meets them: hover a Conv2d in a .py file and read its shape, see the
 * inlay hints after the forward lines, and hover a Conv2d in a notebook cell whose input comes from the dataset
 * built in the cell above (the built-in ipynb support, no Jupyter extension).
 */
import assert from 'node:assert/strict';
import { locate } from './harness/editor';
import { poll } from './harness/poll';
import { e2eSuite } from './harness/session';

const e2eTest = e2eSuite('pyhover');

/** The editor's hover, as the harness reads it (not the workbench's tooltips). */
const HOVER = '.monaco-hover:not(.hidden):not(.workbench-hover) .hover-contents';
/** Browser-side (a string: this project type-checks without the DOM library): the centre of `Conv2d` in a cell editor. */
const TOKEN_CENTER = `(() => {
  for (const line of document.querySelectorAll('.cell-editor-container .view-line')) {
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.textContent.indexOf('Conv2d');
      if (i < 0) continue;
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + 'Conv2d'.length);
      const b = r.getBoundingClientRect();
      if (b.width > 0) return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    }
  }
  return null;
})()`;

e2eTest('hover: a Conv2d in a .py file shows its shape 1×32×32 → 6×28×28', async ({ wb, editor, file, capture }) => {
  await wb.openFile('pytorch-lenet.py');
  const conv = locate(file('pytorch-lenet.py'), /nn\.Conv2d\(1, 6, 5\)/);
  const place = { line: conv.line, column: conv.column + 4 };
  const text = await editor.hoverText(place, /6\s*×\s*28\s*×\s*28/, 60_000);
  assert.match(text, /1\s*×\s*32\s*×\s*32/, `the hover shows the input shape too:\n${text}`);
  assert.match(text, /156/, `and the parameters:\n${text}`);
  await capture('pyhover-conv2d', () => editor.hoverText(place, /6\s*×\s*28\s*×\s*28/));
  await editor.dismiss();
});

e2eTest('inlay hints: forward lines of a .py file show the shape they leave', async ({ wb, editor, capture }) => {
  await wb.openFile('pytorch-lenet.py');
  let hints: string[] = [];
  await poll(
    'inlay hints with 6×14×14 and 400',
    async () => {
      hints = await editor.inlayHints();
      const all = hints.join(' ');
      return /6\s*×\s*14\s*×\s*14/.test(all) && /→\s*400\b/.test(all) ? true : undefined;
    },
    { timeoutMs: 60_000, saw: async () => `[${hints.join(' | ')}]` },
  );
  await capture('pyhover-inlay-hints');
});

e2eTest('hover: a Conv2d in a notebook cell shows its shape, the input read from the dataset cell above', async ({ page, wb, capture }) => {
  await wb.openFile('pytorch-notebook.ipynb');
  // Where `Conv2d` is drawn in a cell editor (tokens of one colour share a span, so the text is measured).
  let at: { x: number; y: number } | null = null;
  await poll('Conv2d drawn in a notebook cell', async () => (at = (await page.evaluate(TOKEN_CENTER)) as typeof at) ?? undefined, { timeoutMs: 60_000 });
  const hover = async () => {
    // Move away and back: the editor shows a hover once the pointer rests on the token.
    await page.mouse.move(5, 5);
    at = ((await page.evaluate(TOKEN_CENTER)) as typeof at) ?? at;
    await page.mouse.move(at!.x, at!.y);
    await page.waitForSelector(HOVER, { timeout: 3_000 }).catch(() => undefined);
  };
  let text = '';
  await poll(
    'a hover over Conv2d in the notebook cell with 16×28×28',
    async () => {
      await hover();
      text = (await page.locator(HOVER).allInnerTexts()).join('\n');
      return /16\s*×\s*28\s*×\s*28/.test(text) ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 1_000, saw: async () => JSON.stringify(text.slice(0, 300)) },
  );
  assert.match(text, /FashionMNIST/, `the hover says where the input shape came from:\n${text}`);
  await capture('pyhover-notebook', hover);
});

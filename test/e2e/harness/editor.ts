/**
 * Editor actions in the browser: go to a line, hover, edit, save, read the Problems count and the squiggles,
 * open the quick-fix menu. Lines and columns are 1-based, as Go to Line and the status bar show them.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { poll } from './poll';
import { parkPointer } from './workbench';

/** An editor hover on screen; `.workbench-hover` are the workbench's tooltips (a toolbar button's "More Actions..."). */
const EDITOR_HOVER = '.monaco-hover:not(.hidden):not(.workbench-hover) .hover-contents';
/** The rows of the editor's suggestion list while it is open. */
const SUGGEST_ROWS = '.editor-widget.suggest-widget.visible .monaco-list-row';
// Browser-side snippets, as strings: this project type-checks without the DOM library.
const HOVER_TEXT = `[...document.querySelectorAll(${JSON.stringify(EDITOR_HOVER)})]
  .map((e) => e.innerText).join('\\n')`;
// Inlay hints are injected text: spans whose class mentions inlay-hint (or a dyn-rule carrying the text in a
// ::before/::after content), inside the editor's view lines.
const INLAY_HINT_TEXTS = `[...document.querySelectorAll('.editor-instance .view-lines [class*="inlay-hint"], .editor-instance .view-lines [class*="dyn-rule"]')]
  .map((e) => {
    const own = (e.textContent || '').trim();
    if (own) return own;
    const css = [getComputedStyle(e, '::before').content, getComputedStyle(e, '::after').content];
    return css.filter((c) => c && c !== 'none' && c !== 'normal').join('').replace(/^"|"$/g, '');
  })
  .filter(Boolean)`;

/** A 1-based position in a file. */
export interface Place {
  line: number;
  column: number;
}

/** Error and warning counts of the status bar's Problems item. */
export interface ProblemCounts {
  errors: number;
  warnings: number;
}

/** Where `pattern` first matches in `file` on disk (1-based), so tests follow a fixture as it is edited. */
export function locate(file: string, pattern: RegExp): Place {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = pattern.exec(lines[i]);
    if (m) return { line: i + 1, column: m.index + 1 };
  }
  throw new Error(`${pattern} does not occur in ${file}`);
}

/** The active text editor of a workbench page. */
export class EditorDriver {
  constructor(readonly page: Page) {}

  /** Moves the cursor with Go to Line/Column (Ctrl+G). */
  async goTo({ line, column }: Place): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = await this.page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    // Go to Line is Quick Open with the ':' prefix; fill() replaces the whole input, prefix included.
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await poll(`the cursor at Ln ${line}, Col ${column}`, async () => {
      const text = await this.page.textContent('[id="status.editor.selection"]');
      return text?.includes(`Ln ${line}, Col ${column}`) ? true : undefined;
    });
  }

  /** Shows the hover at `place` ("Show or Focus Hover", Ctrl+K Ctrl+I) and returns its text once loaded. */
  async hoverText(place: Place, expect?: RegExp, timeoutMs = 20_000): Promise<string> {
    // The pointer left over a button from the last click would keep that button's tooltip up.
    await parkPointer(this.page);
    await this.goTo(place);
    let text = '';
    return poll(
      `a hover at Ln ${place.line}, Col ${place.column}${expect ? ` matching ${expect}` : ''}`,
      async () => {
        if (!(await this.page.isVisible(EDITOR_HOVER))) {
          await this.page.keyboard.press('Control+K');
          await this.page.keyboard.press('Control+I');
          await this.page.waitForSelector(EDITOR_HOVER, { timeout: 2_000 }).catch(() => undefined);
        }
        text = String(await this.page.evaluate(HOVER_TEXT)).trim();
        if (!text || /^loading/i.test(text)) return undefined;
        return !expect || expect.test(text) ? text : undefined;
      },
      { timeoutMs, intervalMs: 500, saw: async () => JSON.stringify(text.slice(0, 300)) },
    );
  }

  /** Closes a hover or menu. */
  async dismiss(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  /** Replaces the whole text of `line` with `text` (typed as one insertion, so no auto-closing brackets). */
  async replaceLine(line: number, text: string): Promise<void> {
    await this.goTo({ line, column: 1 });
    await this.page.keyboard.press('Shift+End');
    await this.page.keyboard.insertText(text);
  }

  /** Saves the active editor and waits until its tab is no longer dirty. */
  async save(): Promise<void> {
    await this.page.keyboard.press('Control+S');
    await poll('the editor to be saved', async () => ((await this.page.$('.tab.active.dirty')) ? undefined : true));
  }

  /** Error and warning counts from the status bar (the numbers beside its error and warning icons). */
  async problems(): Promise<ProblemCounts> {
    const text = (await this.page.textContent('[id="status.problems"]')) ?? '';
    const numbers = (text.match(/\d+/g) ?? []).map(Number);
    return { errors: numbers[0] ?? 0, warnings: numbers[1] ?? 0 };
  }

  /** Waits until the Problems counts satisfy `ok`, and returns them. */
  async waitForProblems(what: string, ok: (p: ProblemCounts) => boolean, timeoutMs = 20_000): Promise<ProblemCounts> {
    let last: ProblemCounts = { errors: -1, warnings: -1 };
    return poll(
      what,
      async () => {
        last = await this.problems();
        return ok(last) ? last : undefined;
      },
      { timeoutMs, saw: async () => `errors ${last.errors}, warnings ${last.warnings}` },
    );
  }

  /** Number of error squiggles drawn in the visible part of the active editor. */
  async errorSquiggles(): Promise<number> {
    return (await this.page.$$('.editor-instance .monaco-editor .squiggly-error')).length;
  }

  /**
   * Waits until the active editor draws at least one error squiggle and returns how many. The editor paints
   * decorations a little after the Problems count changes (both follow the same diagnostics).
   */
  async waitForErrorSquiggles(what: string, timeoutMs = 20_000): Promise<number> {
    return poll(what, async () => ((await this.errorSquiggles()) || undefined), { timeoutMs });
  }

  /** Opens the quick-fix menu at `place` (Ctrl+.) and returns the titles it offers once the list settles. */
  async quickFixTitles(place: Place, timeoutMs = 15_000): Promise<string[]> {
    // A menu left open from before would swallow Go to Line's keys and keep showing the old position's actions.
    if (await this.page.isVisible('.action-widget')) {
      await this.page.keyboard.press('Escape');
      await this.page.waitForSelector('.action-widget', { state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    }
    await this.goTo(place);
    let previous = '';
    let titles: string[] = [];
    return poll(
      `quick fixes at Ln ${place.line}, Col ${place.column}`,
      async () => {
        if (!(await this.page.isVisible('.action-widget'))) {
          await this.page.keyboard.press('Control+.');
          await this.page.waitForSelector('.action-widget', { state: 'visible', timeout: 2_000 }).catch(() => undefined);
        }
        titles = await this.page.$$eval('.action-widget .monaco-list-row.action', (rows) =>
          rows.map((r) => (r.textContent ?? '').trim()).filter((t) => t && !/^no code actions/i.test(t)),
        );
        // Providers answer at different times: take the list once two reads agree.
        const settled = titles.length > 0 && titles.join('\n') === previous;
        previous = titles.join('\n');
        return settled ? titles : undefined;
      },
      { timeoutMs, intervalMs: 400, saw: async () => `[${titles.join(' | ')}]` },
    );
  }

  /** Applies the quick fix whose title matches `title` from the open quick-fix menu. */
  async applyQuickFix(place: Place, title: RegExp): Promise<string> {
    const titles = await this.quickFixTitles(place);
    const chosen = titles.find((t) => title.test(t));
    if (!chosen) throw new Error(`no quick fix matching ${title}; offered: [${titles.join(' | ')}]`);
    await this.page.click(`.action-widget .monaco-list-row.action:has-text(${JSON.stringify(chosen)})`);
    await this.page.waitForSelector('.action-widget', { state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    return chosen;
  }

  /**
   * Opens the suggestion list at the cursor (Ctrl+Space) and returns its labels once one matches `expect` and two
   * reads agree (completion providers answer at different times).
   */
  async completionLabels(expect: RegExp, timeoutMs = 20_000): Promise<string[]> {
    let previous = '';
    let labels: string[] = [];
    return poll(
      `suggestions matching ${expect}`,
      async () => {
        if (!(await this.page.isVisible(SUGGEST_ROWS))) {
          await this.page.keyboard.press('Control+Space');
          await this.page.waitForSelector(SUGGEST_ROWS, { state: 'visible', timeout: 2_000 }).catch(() => undefined);
        }
        labels = await this.page.$$eval(`${SUGGEST_ROWS} .label-name`, (names) => names.map((n) => (n.textContent ?? '').trim()).filter(Boolean));
        const settled = labels.some((l) => expect.test(l)) && labels.join('\n') === previous;
        previous = labels.join('\n');
        return settled ? labels : undefined;
      },
      { timeoutMs, intervalMs: 400, saw: async () => `[${labels.join(' | ')}]` },
    );
  }

  /** Texts of the inlay hints drawn in the visible part of the active editor. */
  async inlayHints(): Promise<string[]> {
    return (await this.page.evaluate(INLAY_HINT_TEXTS)) as string[];
  }
}

/**
 * Drives the VS Code workbench in the browser the way a person does: the command palette (F1), Quick Open
 * (Ctrl+P), the status bar; and the theme, through the user settings. Editor-level actions (hover, problems,
 * quick fixes) are in editor.ts.
 */
import { basename } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { timestampLabel } from '../../../src/webviews/runs/runTree';
import { poll } from './poll';
import { Bridge } from './bridge';
import { Theme, themeClasses, themeNames, webviewThemeClasses } from './settings';
import { waitForWebviewsClass } from './webview';

const quickInput = '.quick-input-widget';
/** How long after opening a quick input that says "No matching results" is opened afresh (clickRow). */
const REOPEN_AFTER_MS = 5_000;
const quickInputRows = `${quickInput} .quick-input-list .monaco-list-row`;

/** One browser tab with the workbench of one workspace folder. */
export class Workbench {
  constructor(
    readonly page: Page,
    readonly workspaceDir: string,
    /** The e2e bridge in this tab's extension host. */
    readonly bridge: Bridge,
  ) {}

  /**
   * Loads `folder` in `page` from the code-server at `url` (profile root `root`) and waits until the workbench is
   * restored (then calls `restored`) and its extension host answers.
   */
  static async open(page: Page, url: string, folder: string, root: string, restored?: () => void): Promise<Workbench> {
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    // The problems item appears once the workbench has restored its parts; keys typed before that are lost.
    await page.waitForSelector('[id="status.problems"]', { timeout: 90_000 });
    restored?.();
    return new Workbench(page, folder, await Bridge.connect(root, folder));
  }

  /** Labels the command palette lists for `query` (without the leading '>'), then closes the palette. */
  async paletteEntries(query: string): Promise<string[]> {
    await this.openQuickInput('F1', `>${query}`);
    try {
      return await this.quickInputLabels();
    } finally {
      await this.closeQuickInput();
    }
  }

  /**
   * Waits until the extension host has registered commands whose palette labels start with `prefix`: right
   * after startup the palette may not list them yet, and the first command run would time out.
   */
  async waitForCommands(prefix: string, timeoutMs = 60_000): Promise<string[]> {
    let seen: string[] = [];
    return poll(
      `command palette entries starting with "${prefix}"`,
      async () => {
        seen = await this.paletteEntries(prefix);
        const matching = seen.filter((l) => l.startsWith(prefix));
        return matching.length ? matching : undefined;
      },
      { timeoutMs, intervalMs: 1_000, saw: async () => `[${seen.slice(0, 5).join(' | ')}]` },
    );
  }

  /**
   * Runs a command by its id in the extension host, and resolves with its result: for what a test needs done
   * rather than what it tests (a person's way is {@link runCommand}).
   */
  executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    return this.bridge.executeCommand(id, ...args);
  }

  /**
   * Waits until the extension host has registered every command in `ids` (an extension's commands exist once
   * it has activated; running one earlier can time out).
   */
  async waitForRegisteredCommands(ids: readonly string[], timeoutMs = 90_000): Promise<void> {
    let missing: readonly string[] = ids;
    await poll(
      'the extension host to register its commands',
      async () => {
        const registered = new Set(await this.bridge.commands());
        missing = ids.filter((id) => !registered.has(id));
        return missing.length === 0 ? true : undefined;
      },
      { timeoutMs, intervalMs: 500, saw: async () => `not yet registered: ${missing.join(', ')}` },
    );
  }

  /** Runs a command by its palette label ("CNN Lab: Train Model"), as a person would from F1. */
  async runCommand(label: string, timeoutMs = 30_000): Promise<void> {
    await this.clickRow(label, `"${label}" in the command palette`, { timeoutMs, reopen: { key: 'F1', text: `>${label}` } });
  }

  /** Clicks the first row of the open quick pick whose label starts with `prefix` (e.g. a run of one model). */
  async pickRow(prefix: string, what: string): Promise<void> {
    await this.clickRow(prefix, what, { prefix: true });
  }

  /** Opens a workspace file with Quick Open (Ctrl+P) and waits until its tab is the active one. */
  async openFile(relativePath: string): Promise<void> {
    const name = basename(relativePath);
    // A file in a folder is labelled with its folder after the name ("resnet50.cnn.yaml zoo"); typing its path leaves it alone.
    await this.clickRow(name, `"${name}" in Quick Open`, { prefix: relativePath.includes('/'), reopen: { key: 'Control+P', text: relativePath } });
    await poll(`the editor tab of ${name}`, async () =>
      (await this.page.$(`.tab.active[aria-label^=${JSON.stringify(name)}]`)) ? true : undefined,
    );
    // A text editor, or a notebook's cell editors (a .ipynb opens in the notebook editor).
    await this.page.waitForSelector('.editor-instance .monaco-editor .view-lines, .notebook-editor .cell-editor-container .view-lines');
  }

  /** Opens a view by the name it has in the "Open View" list (Quick Open with the "view " prefix). */
  async openView(name: string): Promise<void> {
    await this.clickRow(name, `view "${name}" in the Open View list`, { reopen: { key: 'Control+P', text: `view ${name}` } });
  }

  /** The row of run folder `runDir` (a run of `model`) in the open runs view, its model's group expanded if collapsed. */
  async runRow(runDir: string, model: string): Promise<Locator> {
    const label = timestampLabel(basename(runDir));
    return poll(`the row of run ${label} in the runs view`, async () => {
      const rows = this.page.locator('.pane-body .monaco-list-row', { hasText: label });
      if (await rows.count()) return rows.first();
      const group = this.page.locator('.pane-body .monaco-list-row[aria-expanded="false"]', { hasText: model });
      if (await group.count()) await group.first().click();
      return undefined;
    }, { saw: async () => `[${(await this.treeRows()).slice(0, 10).join(' | ')}]` });
  }

  /** Labels of the rows of the visible tree views (explorer-like panes), e.g. the runs view. */
  async treeRows(): Promise<string[]> {
    return this.page.$$eval('.pane-body .monaco-list-row', (rows) =>
      rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').trim()),
    );
  }

  /**
   * Right-clicks `target` and chooses `title` from its context menu. VS Code's menus ignore a click that comes too
   * soon after they open (it guards against the right-click's own mouseup), so a fast machine's click can land on an
   * open menu and do nothing: hover first, and click again while the menu stays open.
   */
  async chooseFromContextMenu(target: Locator, title: string, timeoutMs = 30_000): Promise<void> {
    const menu = this.page.locator('.monaco-menu');
    const entry = menu.locator('.action-item .action-label', { hasText: title });
    await poll(
      `"${title}" chosen from the context menu`,
      async () => {
        if (!(await entry.count())) {
          if (await menu.count()) await this.page.keyboard.press('Escape');
          await target.click({ button: 'right' });
          return undefined;
        }
        await entry.first().hover();
        await entry.first().click({ timeout: 5_000 }).catch(() => undefined);
        // Chosen once the menu has closed.
        return (await poll('the context menu to close', async () => ((await menu.count()) ? undefined : true), { timeoutMs: 2_000 }).catch(() => undefined));
      },
      { timeoutMs, intervalMs: 500, saw: async () => `menu entries: [${(await menu.locator('.action-label').allTextContents()).join(' | ')}]` },
    );
  }

  /** Clicks the button labelled `label` on a notification toast (e.g. a progress notification's Cancel). */
  async clickNotificationButton(label: string): Promise<void> {
    const button = await poll(`a "${label}" button on a notification`, async () =>
      (await this.page.$(`.notification-toast .monaco-button:has-text(${JSON.stringify(label)})`)) ?? undefined,
    );
    await button.click();
  }

  /** The text of a status bar item by id, e.g. 'status.editor.mode' (the language of the active editor). */
  async statusBarText(id: string): Promise<string> {
    const item = await this.page.$(`[id="${id}"]`);
    return item ? ((await item.textContent()) ?? '').trim() : '';
  }

  /** Waits until status bar item `id` shows exactly `text`. */
  async waitForStatusBarText(id: string, text: string, timeoutMs = 20_000): Promise<void> {
    let shown = '';
    await poll(
      `the status bar item ${id} to show "${text}"`,
      async () => {
        shown = await this.statusBarText(id);
        return shown === text ? true : undefined;
      },
      { timeoutMs, saw: async () => JSON.stringify(shown) },
    );
  }

  /** Texts of the notification toasts on screen (errors from the extension show up here). */
  async notifications(): Promise<string[]> {
    return this.page.$$eval('.notification-toast .notification-list-item-message', (els) =>
      els.map((e) => (e.textContent ?? '').trim()),
    );
  }

  /**
   * Switches the colour theme through the `workbench.colorTheme` user setting, set in the extension host, and
   * waits until the workbench and every visible webview have repainted in it. No theme picker: a quick input
   * that something else closes mid-way made that flaky on a busy machine. (code-server's workbench stops
   * following edits of settings.json made behind its back a few seconds after it loads.) 60 s: on a loaded 2-core
   * machine, the setting's round trip through a workbench still catching up with a fast training once took over 30.
   */
  async setTheme(theme: Theme, timeoutMs = 60_000): Promise<void> {
    let asked = 0;
    await poll(
      `the ${theme} theme to apply`,
      async () => {
        if (await this.hasTheme(theme)) return true;
        // Setting a value (not toggling) is safe to repeat when the workbench is slow to show it.
        if (Date.now() - asked > 10_000) {
          asked = Date.now();
          await this.bridge.updateSetting('workbench.colorTheme', themeNames[theme]);
        }
        return undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
    await waitForWebviewsClass(this.page, webviewThemeClasses[theme]);
  }

  /** The theme kind the workbench shows now. */
  async currentTheme(): Promise<Theme> {
    return (await this.hasTheme('dark')) ? 'dark' : 'light';
  }

  private async hasTheme(theme: Theme): Promise<boolean> {
    const classes = (await this.page.getAttribute('.monaco-workbench', 'class')) ?? '';
    return classes.split(/\s+/).includes(themeClasses[theme]);
  }

  /**
   * Clicks the quick-input row labelled exactly `label` (its aria-label may add ", details"), or with `prefix` the
   * first one labelled `label…`. With `reopen` (a key and the text to type), opens that quick input first. Retried
   * until `timeoutMs`, re-opening the quick input when it is gone: it closes when something else takes focus (an
   * editor opening late, a notification) and then keeps its rows in the page, hidden, so waiting for the row to
   * show would wait forever. A locator, not an element handle: the list re-renders while it filters.
   */
  private async clickRow(
    label: string,
    what: string,
    { timeoutMs = 20_000, prefix = false, reopen }: { timeoutMs?: number; prefix?: boolean; reopen?: { key: string; text: string } } = {},
  ): Promise<void> {
    const row = prefix
      ? `${quickInputRows}[aria-label^=${JSON.stringify(label)}]`
      : `${quickInputRows}[aria-label=${JSON.stringify(label)}], ${quickInputRows}[aria-label^=${JSON.stringify(`${label}, `)}]`;
    let labels: string[] = [];
    let openedAt = 0;
    try {
      await poll(
        what,
        async () => {
          // Quick Open searches the files once per opening, so a file written just before it opened may be missing
          // from its results: still "No matching results" 5 s after opening, it is opened afresh, as a person would
          // retype. (Not while results are still coming: a loaded machine's search takes longer, and reopening
          // restarts it.)
          const stale = reopen && Date.now() - openedAt > REOPEN_AFTER_MS && labels.some((l) => l.startsWith('No matching results'));
          if (reopen && (stale || !(await this.quickInputShows(reopen.text)))) {
            await this.openQuickInput(reopen.key, reopen.text);
            openedAt = Date.now();
          }
          // Quick Open adds its "recently opened" entries after the file results and reorders the list, reusing
          // row elements: click only once the list has stopped changing, or the click lands on another row.
          labels = await this.quickInputLabels();
          const target = this.page.locator(row).first();
          if (!(await target.isVisible())) return undefined;
          await target.click({ timeout: 5_000 });
          return true;
        },
        { timeoutMs, saw: async () => `[${labels.slice(0, 8).join(' | ')}]` },
      );
    } catch (error) {
      await this.closeQuickInput();
      throw error;
    }
  }

  /** Whether a quick input is on screen with `text` in its input box. */
  private async quickInputShows(text: string): Promise<boolean> {
    const input = this.page.locator(`${quickInput} input`).first();
    return (await input.isVisible()) && (await input.inputValue()) === text;
  }

  private async openQuickInput(key: string, text: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press(key);
    const input = await this.page.waitForSelector(`${quickInput} input`, { state: 'visible', timeout: 10_000 });
    await input.fill(text);
  }

  /** The rows of the open quick input once it shows some and they stopped changing (or after 5 s, whatever it shows). */
  private async quickInputLabels(): Promise<string[]> {
    let previous: string | undefined;
    let labels: string[] = [];
    return poll('the quick input list to settle', async () => {
      labels = await this.page.$$eval(quickInputRows, (rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
      const joined = labels.join('\n');
      const settled = labels.length > 0 && joined === previous;
      previous = joined;
      return settled ? labels.map(firstLine) : undefined;
    }, { timeoutMs: 5_000, intervalMs: 200 }).catch(() => labels.map(firstLine));
  }

  private async closeQuickInput(): Promise<void> {
    if (await this.page.isVisible(quickInput)) {
      await this.page.keyboard.press('Escape');
      await this.page.waitForSelector(quickInput, { state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    }
  }
}

/** Moves the pointer to the empty middle of the status bar, where it shows no tooltip and hovers nothing. */
export async function parkPointer(page: Page): Promise<void> {
  await page.mouse.move(640, 790);
}

/**
 * A quick-input row's aria-label appends details after commas ("…, Control+K Control+T", "…, recently used",
 * "…, similar commands"); the label a person reads is the part before the first comma.
 */
function firstLine(label: string | null): string {
  return (label ?? '').split(', ')[0].trim();
}

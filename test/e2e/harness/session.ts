/**
 * Glue between node's test runner and the harness: one code-server (shared with the other test files when
 * test/e2e/run.ts started it, else started here), one Chromium, one workspace copy and one workbench tab per
 * test file. `e2eTest` wraps a test so that a failure carries its screenshot path and the extension host log.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Browser, chromium, Page } from 'playwright-core';
import { extensionHostLogs, screenshot, slug } from './artifacts';
import { CodeServer, installVsix, profileDirs, startCodeServer } from './codeServer';
import { EditorDriver } from './editor';
import { installedManifest, Manifest } from './manifest';
import { chromiumPath, findVsix, missingPrerequisites, workspaceSources } from './paths';
import { screenshotThemes } from './settings';
import { parkPointer, Workbench } from './workbench';

/** Everything a test body gets. */
export interface E2E {
  page: Page;
  wb: Workbench;
  editor: EditorDriver;
  manifest: Manifest;
  workspaceDir: string;
  /** Absolute path of a workspace file. */
  file(relativePath: string): string;
  /**
   * Screenshots in every theme of CNNLAB_E2E_THEMES: artifacts/e2e/<name>-<theme>.png, the theme on screen
   * first. `show` (when given) opens what the screenshot should show, again in each theme (hovers and menus
   * may close when the theme changes).
   */
  capture(name: string, show?: () => Promise<unknown>): Promise<string[]>;
}

/** Chromium as the machine allows it: Debian's build, headless, no sandbox (root), no calls home. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** The shared server from test/e2e/run.ts (CNNLAB_E2E_URL + CNNLAB_E2E_ROOT), or a new one of this file's own. */
async function acquireServer(): Promise<{ url: string; root: string; stop?: () => Promise<void> }> {
  const { CNNLAB_E2E_URL: url, CNNLAB_E2E_ROOT: root } = process.env;
  if (url && root) return { url, root };
  const missing = missingPrerequisites();
  if (missing.length) throw new Error(`e2e prerequisites missing:\n  ${missing.join('\n  ')}`);
  const ownRoot = mkdtempSync(join(tmpdir(), 'cnnlab-e2e-'));
  await installVsix(ownRoot, findVsix()!);
  const server: CodeServer = await startCodeServer(ownRoot, screenshotThemes()[0] ?? 'light');
  return {
    url: server.url,
    root: ownRoot,
    stop: async () => {
      await server.stop();
      rmSync(ownRoot, { recursive: true, force: true });
    },
  };
}

/** Durations of consecutive steps, for the log: "2.1 s (Chromium 0.4 s, workbench 1.2 s, …)". */
class Steps {
  private readonly started = Date.now();
  private last = this.started;
  private readonly parts: string[] = [];

  done(step: string): void {
    const now = Date.now();
    this.parts.push(`${step} ${seconds(now - this.last)}`);
    this.last = now;
  }

  toString(): string {
    return `${seconds(this.last - this.started)} (${this.parts.join(', ')})`;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A fresh copy of examples/ and the fixtures, so edits in one test file never leak into another. */
function createWorkspace(root: string, name: string): string {
  const dir = join(root, 'workspaces', slug(name));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const source of workspaceSources) if (existsSync(source)) cpSync(source, dir, { recursive: true });
  return dir;
}

/**
 * Declares the before/after hooks of one e2e test file and returns its `test` function. Test names should
 * start with the area ("hover: …") so CNNLAB_E2E_GREP selects them.
 */
export function e2eSuite(suiteName: string): (name: string, body: (e2e: E2E) => Promise<void>, timeoutMs?: number) => void {
  let e2e: E2E | undefined;
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof acquireServer>> | undefined;
  let userDataDir = '';

  before(async () => {
    const steps = new Steps();
    server = await acquireServer();
    userDataDir = profileDirs(server.root).userDataDir;
    const workspaceDir = createWorkspace(server.root, suiteName);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    steps.done('Chromium');
    const wb = await Workbench.open(page, server.url, workspaceDir, server.root, () => steps.done('workbench'));
    steps.done('extension host');
    const manifest = installedManifest(profileDirs(server.root).extensionsDir);
    // Ready once CNN Lab has activated and registered its commands; acting earlier can time out.
    await wb.waitForRegisteredCommands((manifest.contributes?.commands ?? []).map((c) => c.command));
    steps.done('CNN Lab commands');
    console.log(`e2e: ${suiteName}: ready in ${steps}`);
    e2e = {
      page,
      wb,
      editor: new EditorDriver(page),
      manifest,
      workspaceDir,
      file: (p) => join(workspaceDir, p),
      capture: async (name, show) => {
        const paths: string[] = [];
        // The theme on screen first: one switch per capture instead of two.
        const current = await wb.currentTheme();
        const themes = screenshotThemes().sort((a, b) => Number(b === current) - Number(a === current));
        for (const theme of themes) {
          await wb.setTheme(theme);
          // No tooltip from the last click in the shot.
          await parkPointer(page);
          await show?.();
          paths.push(await screenshot(page, name, theme));
        }
        return paths;
      },
    };
  }, { timeout: 180_000 });

  after(async () => {
    await browser?.close();
    await server?.stop?.();
  });

  const skip = process.env.CNNLAB_E2E_SKIP ? new RegExp(process.env.CNNLAB_E2E_SKIP) : undefined;
  return (name, body, timeoutMs = 120_000) =>
    // CNNLAB_E2E_SKIP (a regex on names) lets CI leave out tests of unfinished features; they show as skipped.
    test(name, { timeout: timeoutMs, skip: skip?.test(name) ? `CNNLAB_E2E_SKIP=${skip.source}` : false }, async () => {
      if (!e2e) throw new Error('the e2e session did not start (see the before hook error above)');
      try {
        await body(e2e);
      } catch (error) {
        throw await explainFailure(error, name, e2e, userDataDir);
      }
    });
}

/** The error, with what the test saw appended: screenshot, notifications, extension host log. */
async function explainFailure(error: unknown, name: string, e2e: E2E, userDataDir: string): Promise<Error> {
  const failure = error instanceof Error ? error : new Error(String(error));
  const shot = await screenshot(e2e.page, name, 'failure').catch((e) => `(no screenshot: ${e})`);
  const toasts = await e2e.wb.notifications().catch(() => []);
  failure.message += `\n  screenshot: ${shot}`;
  if (toasts.length) failure.message += `\n  notifications: ${toasts.map((t) => JSON.stringify(t)).join(' | ')}`;
  failure.message += `\n  extension host log:\n${extensionHostLogs(userDataDir)}`;
  // The reporter prints the stack, which holds the message as it was when the error was made.
  if (failure.stack) failure.stack = `${failure.name}: ${failure.message}\n${failure.stack.split('\n').filter((l) => /^\s+at /.test(l)).join('\n')}`;
  return failure;
}

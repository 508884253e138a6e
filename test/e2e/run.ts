/**
 * `npm run test:e2e`: installs the built .vsix into a fresh code-server profile, starts code-server once, and
 * runs every test/e2e/*.e2e.test.ts with node's test runner against it (one file at a time: they share the
 * server), then prints each file's time. Needs `npm run e2e:setup` and `npm run package` first.
 *
 * Environment: CNNLAB_E2E_GREP (regex on test names, e.g. "hover|quick fix"), CNNLAB_E2E_FILES (regex on file
 * names), CNNLAB_E2E_THEMES ("light,dark"), CNNLAB_E2E_VSIX, CNNLAB_E2E_KEEP=1 (keep the temp profile).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { clearFailureScreenshots } from './harness/artifacts';
import { artifactsDir, findVsix, missingPrerequisites, repoRoot } from './harness/paths';
import { installVsix, startCodeServer } from './harness/codeServer';
import { screenshotThemes } from './harness/settings';

function log(message: string): void {
  console.log(`e2e: ${message}`);
}

function testFiles(): string[] {
  const dir = join(repoRoot, 'test', 'e2e');
  const only = process.env.CNNLAB_E2E_FILES ? new RegExp(process.env.CNNLAB_E2E_FILES) : undefined;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.e2e.test.ts') && (!only || only.test(f)))
    .sort()
    .map((f) => join(dir, f));
}

function runNodeTests(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec'];
  if (process.env.CNNLAB_E2E_GREP) args.push(`--test-name-pattern=${process.env.CNNLAB_E2E_GREP}`);
  const child = spawn(process.execPath, [...args, ...files], { cwd: repoRoot, env, stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

async function main(): Promise<number> {
  const missing = missingPrerequisites();
  if (missing.length) {
    console.error(`e2e: cannot run:\n  ${missing.join('\n  ')}`);
    return 1;
  }
  const files = testFiles();
  if (!files.length) {
    console.error(`e2e: no test file matches CNNLAB_E2E_FILES=${process.env.CNNLAB_E2E_FILES}`);
    return 1;
  }
  clearFailureScreenshots();
  const root = mkdtempSync(join(tmpdir(), 'cnnlab-e2e-'));
  const vsix = findVsix()!;
  const installMs = await installVsix(root, vsix);
  log(`installed ${basename(vsix)} into code-server in ${installMs} ms`);
  let started = Date.now();
  const server = await startCodeServer(root, screenshotThemes()[0] ?? 'light');
  log(`code-server listening at ${server.url} after ${Date.now() - started} ms (profile ${root})`);
  // Interrupted (Ctrl+C, CI timeout): still end code-server and its extension host.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void server.stop().then(() => process.exit(130)));
  }
  let code = 1;
  try {
    started = Date.now();
    // One file at a time, each timed: where the suite's minutes go is the first question when it gets slow.
    const results: { file: string; seconds: number; code: number }[] = [];
    for (const file of files) {
      const fileStarted = Date.now();
      const fileCode = await runNodeTests([file], { ...process.env, CNNLAB_E2E_URL: server.url, CNNLAB_E2E_ROOT: root });
      results.push({ file: basename(file), seconds: (Date.now() - fileStarted) / 1000, code: fileCode });
    }
    code = results.some((r) => r.code !== 0) ? 1 : 0;
    for (const r of results) log(`${r.file.padEnd(28)} ${r.seconds.toFixed(1).padStart(6)} s  ${r.code === 0 ? 'passed' : 'FAILED'}`);
    log(`tests took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${artifactsDir}`);
    return code;
  } finally {
    await server.stop();
    // A failed run keeps its profile: the logs of code-server and the extension host are in it.
    if (code === 0 && !process.env.CNNLAB_E2E_KEEP) rmSync(root, { recursive: true, force: true });
    else log(`kept the profile ${root} (code-server log: ${server.serverLog})`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`e2e: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);

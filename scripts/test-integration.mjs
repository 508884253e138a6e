// `npm run test:integration`: the mocha suite in test/integration inside a real VS Code (see .vscode-test.mjs).
// It needs a VS Code: VSCODE_EXECUTABLE_PATH, one already downloaded into .vscode-test/, or a download. When
// none can be had (no network beyond the package registries here) it prints one line saying so and exits 0.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const DOWNLOAD_HOST = 'update.code.visualstudio.com';
const say = (message) => console.log(`integration: ${message}`);

/** Why VS Code cannot be had, or undefined when it can (quickly: DNS, then one HEAD with a short timeout). */
async function unavailableReason() {
  if (process.env.VSCODE_EXECUTABLE_PATH) return undefined;
  if (existsSync('.vscode-test') && readdirSync('.vscode-test').some((d) => d.startsWith('vscode-'))) return undefined;
  const timeout = (ms) => new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms));
  try {
    await Promise.race([lookup(DOWNLOAD_HOST), timeout(3_000)]);
    const response = await fetch(`https://${DOWNLOAD_HOST}/api/releases/stable`, { method: 'HEAD', signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return `${DOWNLOAD_HOST} answered ${response.status}`;
    return undefined;
  } catch (error) {
    return `${DOWNLOAD_HOST}: ${error.cause?.code ?? error.code ?? error.message}`;
  }
}

/** Bundles each test file (with the helpers it imports) to out/test/integration/*.test.js; vscode and mocha stay external. */
async function compileTests() {
  const dir = 'test/integration';
  rmSync('out/test/integration', { recursive: true, force: true });
  await esbuild.build({
    entryPoints: readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f)),
    outdir: 'out/test/integration',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

/** Runs vscode-test, echoing its output, and resolves with its exit code and mocha's counts. */
function runVsCodeTest(workspace) {
  const bin = join('node_modules', '@vscode', 'test-cli', 'out', 'bin.mjs');
  let command = [process.execPath, bin, '--label', 'integration'];
  // Electron needs a display; on a headless Linux machine use a virtual one when xvfb-run is there.
  if (process.platform === 'linux' && !process.env.DISPLAY && spawnSync('which', ['xvfb-run']).status === 0) {
    command = ['xvfb-run', '-a', ...command];
  }
  const child = spawn(command[0], command.slice(1), { env: { ...process.env, CNNLAB_IT_WORKSPACE: workspace }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
    process.stdout.write(d);
  });
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      const count = (word) => Number(output.match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
      resolve({ code: code ?? 1, passed: count('passing'), failed: count('failing'), skipped: count('pending') });
    }),
  );
}

const executable = process.env.VSCODE_EXECUTABLE_PATH;
if (executable && !existsSync(executable)) {
  // A path that was asked for but is wrong is a configuration error, not a missing download.
  console.error(`integration: VSCODE_EXECUTABLE_PATH=${executable} does not exist`);
  process.exit(1);
}
const reason = await unavailableReason();
if (reason) {
  say(`skipped: no VS Code to run in (${reason}) and VSCODE_EXECUTABLE_PATH is not set`);
  process.exit(0);
}
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
await compileTests();
const workspace = mkdtempSync(join(tmpdir(), 'cnnlab-it-'));
cpSync('test/fixtures/integration', workspace, { recursive: true });
try {
  const { code, passed, failed, skipped } = await runVsCodeTest(workspace);
  console.log(`integration: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = code;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}

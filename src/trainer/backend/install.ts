/**
 * Installing a native backend (@tensorflow/tfjs-node or -gpu; webgpu, Dawn's prebuilt bindings for the webgpu
 * backend) into a folder of our own (the extension's global storage, or any --dir), outside the extension's
 * bundle, so `npm install` of CNN Lab never depends on libtensorflow's download (from storage.googleapis.com, not
 * the npm registry) and the .vsix does not carry Dawn's five platforms. Used by `cnnlab install-backend` and the
 * VS Code command; both pass a progress callback.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The native backends that can be installed. */
export type NativeBackendName = 'tensorflow' | 'tensorflow-gpu' | 'webgpu';

/** The tfjs-node version matching our bundled tfjs-core. */
export const TFJS_NODE_VERSION = '4.22.0';

/** The Dawn bindings our bundled tfjs-backend-webgpu was tested on (package.json's devDependency). */
export const WEBGPU_VERSION = '0.6.2';

export interface InstallOptions {
  /** Install prefix: the package lands in DIR/node_modules (pass DIR to initBackend's extraModulePaths). */
  dir: string;
  /** Each line npm prints, as it comes. */
  onProgress?: (line: string) => void;
  /** Give up after this long in total (default 15 minutes). */
  timeoutMs?: number;
  /** Give up when npm prints nothing for this long (default 3 minutes): downloads that stall. */
  idleTimeoutMs?: number;
  /** Cancels the installation. */
  signal?: AbortSignal;
  /** The npm executable (default `npm`, or `npm.cmd` on Windows). */
  npm?: string;
}

export interface InstallResult {
  ok: boolean;
  /** What happened, for people; on failure it says what to do. */
  message: string;
  /** The install prefix used. */
  dir: string;
}

/**
 * Where the CLI installs native backends by default and where it looks for them (pass it to initBackend's
 * extraModulePaths): $CNNLAB_BACKEND_DIR, else ~/.cnnlab/backends. The extension uses its global storage.
 */
export function defaultInstallDir(): string {
  return process.env.CNNLAB_BACKEND_DIR ?? join(homedir(), '.cnnlab', 'backends');
}

/** The npm package of a native backend. */
export function nativePackage(name: NativeBackendName): string {
  return { tensorflow: '@tensorflow/tfjs-node', 'tensorflow-gpu': '@tensorflow/tfjs-node-gpu', webgpu: 'webgpu' }[name];
}

/** package@version as npm installs it. */
export function nativePackageSpec(name: NativeBackendName): string {
  return `${nativePackage(name)}@${name === 'webgpu' ? WEBGPU_VERSION : TFJS_NODE_VERSION}`;
}

/** Runs `npm install --prefix DIR <package>@<version>`, streaming its output; never throws. */
export async function installNativeBackend(name: NativeBackendName, options: InstallOptions): Promise<InstallResult> {
  const dir = resolve(options.dir);
  const spec = nativePackageSpec(name);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    return { ok: false, dir, message: `cannot create ${dir}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const npm = options.npm ?? (process.platform === 'win32' ? 'npm.cmd' : 'npm');
  const args = ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', '--loglevel', 'http', spec];
  options.onProgress?.(`$ ${npm} ${args.join(' ')}`);
  const run = await runStreaming(npm, args, options);
  if (run.outcome === 'ok') {
    return { ok: true, dir, message: `${spec} installed in ${dir}; CNN Lab's 'auto' backend will now use it (or choose '${name}')` };
  }
  return { ok: false, dir, message: explainFailure(name, spec, run) };
}

interface RunOutcome {
  outcome: 'ok' | 'failed' | 'timeout' | 'idle' | 'cancelled' | 'spawn-error';
  code?: number | null;
  tail: string[];
  error?: string;
}

function runStreaming(cmd: string, args: string[], options: InstallOptions): Promise<RunOutcome> {
  return new Promise((done) => {
    const tail: string[] = [];
    // Its own process group (POSIX), so that stopping npm also stops the install scripts it started.
    const group = process.platform !== 'win32';
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: group, env: { ...process.env, npm_config_progress: 'false' } });
    let finished = false;
    let stopReason: RunOutcome['outcome'] | undefined;
    const kill = (signal: NodeJS.Signals): void => {
      try {
        if (group && child.pid) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    };
    const stop = (why: RunOutcome['outcome']): void => {
      stopReason ??= why;
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), 5000).unref();
    };
    const total = setTimeout(() => stop('timeout'), options.timeoutMs ?? 15 * 60_000);
    let idle = setTimeout(() => stop('idle'), options.idleTimeoutMs ?? 3 * 60_000);
    const onAbort = (): void => stop('cancelled');
    options.signal?.addEventListener('abort', onAbort);
    const onData = (buf: Buffer): void => {
      clearTimeout(idle);
      idle = setTimeout(() => stop('idle'), options.idleTimeoutMs ?? 3 * 60_000);
      for (const line of buf.toString().split(/\r?\n/).filter((l) => l.trim())) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        options.onProgress?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const finish = (r: RunOutcome): void => {
      if (finished) return;
      finished = true;
      clearTimeout(total);
      clearTimeout(idle);
      options.signal?.removeEventListener('abort', onAbort);
      done(r);
    };
    child.on('error', (err) => finish({ outcome: 'spawn-error', tail, error: err.message }));
    child.on('close', (code) => finish({ outcome: stopReason ?? (code === 0 ? 'ok' : 'failed'), code, tail }));
  });
}

/** A failure message that says what went wrong and what to do. */
function explainFailure(name: NativeBackendName, spec: string, run: RunOutcome): string {
  const text = run.tail.join('\n');
  const fallback = `Training still works with the embedded engine (--backend wasm).`;
  if (run.outcome === 'spawn-error') return `could not run npm (${run.error}); install Node.js with npm, then retry. ${fallback}`;
  if (run.outcome === 'cancelled') return `installation of ${spec} cancelled`;
  if (run.outcome === 'timeout' || run.outcome === 'idle') {
    return `installation of ${spec} ${run.outcome === 'idle' ? 'stalled (no output for minutes)' : 'timed out'}: the machine is probably offline or behind a proxy. ${fallback}`;
  }
  if (/libtensorflow|storage\.googleapis|tf-builds|CDN_STORAGE/i.test(text)) {
    return (
      `${spec} was downloaded but its native library (libtensorflow, fetched from storage.googleapis.com rather than the npm registry) could not be. ` +
      `Connect to the internet, or point TFJS_NODE_CDN_STORAGE at a mirror, and run \`cnnlab install-backend ${name}\` again. ${fallback}`
    );
  }
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|network/i.test(text)) {
    return `could not reach the npm registry to download ${spec} (offline?). Connect to the internet and retry. ${fallback}`;
  }
  const last = run.tail.slice(-5).join('\n');
  return `npm install ${spec} failed (exit status ${run.code ?? 'unknown'}):\n${last}\n${fallback}`;
}

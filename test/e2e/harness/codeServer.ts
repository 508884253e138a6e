/**
 * Starts and stops code-server (VS Code's open-source build served to a browser) for the end-to-end suite:
 * loopback only, no auth, its own config, user-data and extensions folders under one temporary root.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BRIDGE_DIR_ENV } from '../bridge/protocol';
import { bridgeDir, buildBridgeVsix } from './bridge';
import { codeServerEntry, node24 } from './paths';
import { Theme, userSettings } from './settings';

/** A running code-server and the folders it owns. */
export interface CodeServer {
  url: string;
  root: string;
  userDataDir: string;
  extensionsDir: string;
  /** code-server's own stdout and stderr. */
  serverLog: string;
  /** Ends code-server and every process it started (extension host, file watcher…). */
  stop(): Promise<void>;
}

/** Folders of one code-server profile under `root`. */
export function profileDirs(root: string): { userDataDir: string; extensionsDir: string } {
  return { userDataDir: join(root, 'user-data'), extensionsDir: join(root, 'extensions') };
}

/** Runs code-server's CLI once (e.g. `--install-extension`) and resolves with its output; rejects on failure. */
export function runCodeServerCli(args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(node24, [codeServerEntry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`code-server ${args.join(' ')} exited with ${code ?? signal}:\n${output}`));
    });
  });
}

/**
 * Installs a .vsix, and the e2e bridge extension beside it, into the profile under `root`; resolves with the
 * milliseconds it took.
 */
export async function installVsix(root: string, vsix: string): Promise<number> {
  const { userDataDir, extensionsDir } = profileDirs(root);
  const started = Date.now();
  const vsixes = [vsix, await buildBridgeVsix(root)];
  const output = await runCodeServerCli([
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    ...vsixes.flatMap((v) => ['--install-extension', v]),
    '--force',
  ]);
  if ((output.match(/successfully installed|already installed/gi) ?? []).length < vsixes.length) {
    throw new Error(`installing ${vsixes.join(' and ')} did not report success:\n${output}`);
  }
  return Date.now() - started;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; code-server binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts code-server with the profile under `root` and resolves once its health endpoint answers. */
export async function startCodeServer(root: string, theme: Theme, readyTimeoutMs = 60_000): Promise<CodeServer> {
  const { userDataDir, extensionsDir } = profileDirs(root);
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings(theme), null, 2));
  const port = await freePort();
  const config = join(root, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const serverLog = join(root, 'code-server.log');
  const child = spawn(
    node24,
    [
      codeServerEntry,
      '--config', config,
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--log', 'info',
    ],
    // Its own process group, so stop() can end the extension host and the other helpers with it. The extension
    // hosts inherit the environment: the bridge finds its folder there.
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, [BRIDGE_DIR_ENV]: bridgeDir(root) } },
  );
  const log = createWriteStream(serverLog);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, serverLog, readyTimeoutMs);
  return { url, root, userDataDir, extensionsDir, serverLog, stop: () => stopProcessGroup(child) };
}

async function waitForHealth(url: string, child: ChildProcess, serverLog: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = String(code ?? signal)));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`code-server exited (${exited}) before it was ready; see ${serverLog}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet: poll again.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopProcessGroup(child);
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms; see ${serverLog}`);
}

/** SIGTERM to the whole group, SIGKILL if it is still there after 5 s. */
function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const kill = setTimeout(() => signalGroup(pid, 'SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      signalGroup(pid, 'SIGKILL'); // leftovers of the group (watchers, pty hosts)
      resolve();
    });
    signalGroup(pid, 'SIGTERM');
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * The harness side of the e2e bridge (../bridge/): builds the bridge extension's .vsix for the profile, and talks
 * to the bridge in the extension host of one workbench tab.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { bridgeAddressFile, BridgeAddress, BridgeReply, BridgeRequest } from '../bridge/protocol';
import { poll } from './poll';
import { repoRoot } from './paths';

/** The bridge's folder under a profile root: where extension hosts write their ports. */
export function bridgeDir(root: string): string {
  return join(root, 'bridge');
}

/** Bundles the bridge extension and packs it as a .vsix under `root`; resolves with its path. */
export async function buildBridgeVsix(root: string): Promise<string> {
  const source = join(root, 'bridge-extension');
  mkdirSync(source, { recursive: true });
  buildSync({
    entryPoints: [join(repoRoot, 'test', 'e2e', 'bridge', 'extension.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    outfile: join(source, 'extension.js'),
    logLevel: 'warning',
  });
  const manifest = {
    name: 'cnnlab-e2e-bridge',
    displayName: 'CNN Lab e2e bridge (tests only)',
    description: 'Runs commands by id and sets settings for the CNN Lab end-to-end tests.',
    publisher: 'cnn-lab-e2e',
    version: '0.0.1',
    license: 'MIT',
    engines: { vscode: '^1.90.0' },
    activationEvents: ['onStartupFinished'],
    main: './extension.js',
    files: ['extension.js'],
  };
  writeFileSync(join(source, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(source, 'README.md'), `# ${manifest.displayName}\n\n${manifest.description}\n`);
  const packagePath = join(root, 'cnnlab-e2e-bridge.vsix');
  // vsce's API (`npm run package` runs its CLI), quietly: it logs what it packs. It ships no type declarations.
  const { createVSIX } = require('@vscode/vsce') as { createVSIX(options: Record<string, unknown>): Promise<unknown> };
  const log = console.log;
  console.log = () => undefined;
  try {
    await createVSIX({ cwd: source, packagePath, dependencies: false, allowMissingRepository: true, skipLicense: true });
  } finally {
    console.log = log;
  }
  return packagePath;
}

/** The bridge in the extension host of the workbench showing one folder. */
export class Bridge {
  private constructor(private readonly port: number) {}

  /** Waits until the extension host of the workbench showing `folder` has started its bridge. */
  static async connect(root: string, folder: string, timeoutMs = 90_000): Promise<Bridge> {
    const file = bridgeAddressFile(bridgeDir(root), folder);
    const address = await poll(
      `the e2e bridge of the extension host for ${folder}`,
      async () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BridgeAddress) : undefined),
      { timeoutMs, intervalMs: 200, saw: async () => `no ${file}` },
    );
    return new Bridge(address.port);
  }

  /** Runs VS Code command `command` by its id and resolves with its result (null when JSON cannot carry it). */
  executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    return this.request({ type: 'executeCommand', command, args });
  }

  /** Sets user setting `key`, as the Settings editor would (the workbench applies it at once). */
  async updateSetting(key: string, value: unknown): Promise<void> {
    await this.request({ type: 'updateSetting', key, value });
  }

  /** Ids of every command registered in the extension host. */
  async commands(): Promise<string[]> {
    return (await this.request({ type: 'listCommands' })) as string[];
  }

  private async request(request: BridgeRequest, timeoutMs = 60_000): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${this.port}/`, {
      method: 'POST',
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const reply = (await response.json()) as BridgeReply;
    if ('error' in reply) throw new Error(`e2e bridge: ${request.type} failed: ${reply.error}`);
    return reply.result;
  }
}

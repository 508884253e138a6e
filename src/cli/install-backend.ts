/**
 * `cnnlab install-backend tensorflow|tensorflow-gpu|webgpu [--dir DIR]`: installs a native backend for the trainer
 * (default DIR: $CNNLAB_BACKEND_DIR or ~/.cnnlab/backends, where `cnnlab train` should look too).
 * Exit status 0 when installed, 1 when the installation failed (with what to do), 2 on usage errors.
 */
import type { CliCommand } from './commands';
import { parseArgs } from './inspectArgs';
import { defaultInstallDir, installNativeBackend, type NativeBackendName } from '../trainer/backend/install';

function parse(args: string[]): { name: NativeBackendName; dir: string } | { error: string } {
  const parsed = parseArgs(args, { '--dir': 'string' });
  if (typeof parsed === 'string') return { error: parsed };
  const [name, ...extra] = parsed.positional;
  if (extra.length) return { error: `unexpected argument '${extra[0]}'` };
  if (name !== 'tensorflow' && name !== 'tensorflow-gpu' && name !== 'webgpu') return { error: `expected 'tensorflow', 'tensorflow-gpu' or 'webgpu', got ${name ? `'${name}'` : 'nothing'}` };
  return { name, dir: (parsed.options.get('--dir') as string | undefined) ?? defaultInstallDir() };
}

export const installBackendCommand: CliCommand = {
  name: 'install-backend',
  usage: 'install-backend tensorflow|tensorflow-gpu|webgpu [--dir DIR]',
  summary: 'Install native TensorFlow (tfjs-node) or WebGPU (Dawn) for faster training',
  async run(args) {
    const parsed = parse(args);
    if ('error' in parsed) {
      process.stderr.write(`cnnlab install-backend: ${parsed.error}\nusage: cnnlab ${this.usage}\n`);
      return 2;
    }
    const result = await installNativeBackend(parsed.name, { dir: parsed.dir, onProgress: (line) => process.stderr.write(`  ${line}\n`) });
    (result.ok ? process.stdout : process.stderr).write(`${result.ok ? '' : 'cnnlab install-backend: '}${result.message}\n`);
    return result.ok ? 0 : 1;
  },
};

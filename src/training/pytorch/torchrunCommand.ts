/**
 * The command line of "Train with PyTorch": the `cnnlab.pytorch.command` launcher with `{python}`, `{nproc}` and
 * `{port}` substituted, then the exported train.py and its arguments. Pure, so the settings' effect is tested
 * without VS Code; the tests launch torchrun with the same default launcher.
 */
export interface TorchrunSettings {
  /** Launcher words, e.g. ['{python}', '-m', 'torch.distributed.run', '--nproc_per_node={nproc}']. */
  command: readonly string[];
  python: string;
  nprocPerNode: number;
  /** The rendezvous port (`{port}`): one free when the run starts (freePort.ts), so runs at once do not collide. */
  port: number;
}

/** The launcher words with the settings substituted. */
export function torchrunLauncher(settings: TorchrunSettings): string[] {
  return settings.command.map((w) => w.replaceAll('{python}', settings.python).replaceAll('{nproc}', String(settings.nprocPerNode)).replaceAll('{port}', String(settings.port)));
}

export function torchrunCommand(settings: TorchrunSettings, trainPy: string, outDir: string): { command: string; args: string[] } {
  const words = torchrunLauncher(settings);
  return { command: words[0], args: [...words.slice(1), trainPy, '--out', outDir] };
}

/** The run folder train.py announces on stdout (`run folder: DIR`, prefixed by torchrun's `[default0]:` with --tee). */
export function announcedRunFolder(line: string): string | undefined {
  return /(?:^|\]:)run folder: (.+?)\s*$/.exec(line)?.[1];
}

/**
 * The command line of "Train with PyTorch": the `cnnlab.pytorch.command` launcher with `{python}` and `{nproc}`
 * substituted, then the exported train.py and its arguments. Pure, so the settings' effect is tested without VS Code.
 */
export interface TorchrunSettings {
  /** Launcher words, e.g. ['{python}', '-m', 'torch.distributed.run', '--nproc_per_node={nproc}']. */
  command: readonly string[];
  python: string;
  nprocPerNode: number;
}

export function torchrunCommand(settings: TorchrunSettings, trainPy: string, outDir: string): { command: string; args: string[] } {
  const words = settings.command.map((w) => w.replaceAll('{python}', settings.python).replaceAll('{nproc}', String(settings.nprocPerNode)));
  return { command: words[0], args: [...words.slice(1), trainPy, '--out', outDir] };
}

/** The run folder train.py announces on stdout (`run folder: DIR`, prefixed by torchrun's `[default0]:` with --tee). */
export function announcedRunFolder(line: string): string | undefined {
  return /(?:^|\]:)run folder: (.+?)\s*$/.exec(line)?.[1];
}

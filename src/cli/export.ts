/**
 * `cnnlab export RUN --format F --out PATH [--checkpoint best|last]`: a trained run in another framework's format
 * (the formats are in src/export/registry.ts). Exit 0 on success, 1 when the run cannot be exported, 2 for usage
 * problems and paths that are missing or of the wrong kind.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXPORT_FORMATS, exportFormat, exportFormatNames } from '../export/registry';
import { readExportSource } from '../export/source';
import type { CliCommand } from './commands';
import { errorText, parseArgs, processOutput, type CliOutput } from './inspectArgs';
import { resolveRunArgument } from './runArgument';

const USAGE = `export RUN --format ${exportFormatNames().join('|')} --out PATH [--checkpoint best|last]`;

function formatList(): string {
  return EXPORT_FORMATS.map((f) => `  ${f.name.padEnd(10)} ${f.summary} (--out: a ${f.out})`).join('\n');
}

export async function runExport(args: string[], io: CliOutput = processOutput): Promise<number> {
  const parsed = parseArgs(args, { '--format': 'string', '--out': 'string', '--checkpoint': 'checkpoint' });
  const usage = (problem: string): number => {
    io.err(`cnnlab export: ${problem}\nUsage: cnnlab ${USAGE}\nFormats:\n${formatList()}\n`);
    return 2;
  };
  if (typeof parsed === 'string') return usage(parsed);
  if (parsed.positional.length !== 1) return usage('expected one run folder');
  const name = parsed.options.get('--format') as string | undefined;
  if (!name) return usage('--format is required');
  const format = exportFormat(name);
  if (!format) return usage(`unknown format '${name}'`);
  const outOption = parsed.options.get('--out') as string | undefined;
  if (!outOption) return usage('--out is required');
  const out = resolve(outOption);
  if (existsSync(out) && statSync(out).isDirectory() !== (format.out === 'folder')) {
    io.err(`cnnlab export: ${out} exists and is ${format.out === 'folder' ? 'not a folder' : 'a folder'}; --format ${name} writes a ${format.out}\n`);
    return 2;
  }
  const runDir = resolveRunArgument(parsed.positional[0], 'export', io);
  if (runDir === null) return 2;
  try {
    const source = await readExportSource(runDir, parsed.options.get('--checkpoint') as 'best' | 'last' | undefined);
    const result = await format.write(source, out);
    io.out(`exported ${runDir} (${source.checkpoint}/) as ${name}:\n${result.files.map((f) => `  ${f}\n`).join('')}`);
    result.notes.forEach((note) => io.out(`${note}\n`));
    return 0;
  } catch (err) {
    io.err(`cnnlab export: ${errorText(err)}\n`);
    return 1;
  }
}

export const exportCommand: CliCommand = {
  name: 'export',
  usage: USAGE,
  summary: `A trained run in another format: ${exportFormatNames().join(', ')} (RUN: a run folder, or runs/<model> for its latest run)`,
  run: (args) => runExport(args),
};

/**
 * `cnnlab summary FILE... [--json]`: the model table (or the JSON other tools read) and the diagnostics
 * with file:line:col. Several files (e.g. examples/*.cnn.yaml) are summarised one after another; with --json,
 * one JSON object per file, one per line. Exit 0 without errors, 1 when a file has errors, 2 for usage or I/O.
 */
import { totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { FILE_LIMITS, readUserText } from '../files/readUserFile';
import { folderReader } from '../trainer/datasets/folderReader';
import { weightShapesReader } from '../weights/weightShapes';
import { analyzeModel, formatDiagnostic, formatSummaryTable, summaryJson, type ModelAnalysis } from '../model';
import { estimateTrainingMemory, memoryBreakdown, memoryLine } from '../model/memory/estimate';
import type { CliCommand } from './commands';
import { parseArgs } from './inspectArgs';

const USAGE = 'Usage: cnnlab summary FILE... [--json]\n';

/** Summarises one file; returns its exit status. */
async function summarise(file: string, json: boolean, separate: boolean): Promise<number> {
  let text: string;
  try {
    text = readUserText(file, { maxBytes: FILE_LIMITS.modelFile, what: 'model file' });
  } catch (e) {
    process.stderr.write(`cnnlab summary: ${(e as Error).message}\n`);
    return 2;
  }
  const analysis = analyzeModel(text, { folders: folderReader(dirname(resolve(file))), weights: weightShapesReader(dirname(resolve(file))) });
  if (json) process.stdout.write(`${JSON.stringify(summaryJson(analysis, { machineBytes: totalmem() }))}\n`);
  else {
    if (separate) process.stdout.write(`\n${file}\n`);
    process.stdout.write(formatSummaryTable(analysis));
    if (!analysis.diagnostics.some((d) => d.severity === 'error')) process.stdout.write(trainingMemoryLines(analysis));
    for (const d of analysis.diagnostics) process.stdout.write(`${formatDiagnostic(d, file)}\n`);
    const count = (s: string) => analysis.diagnostics.filter((d) => d.severity === s).length;
    if (analysis.diagnostics.length) process.stdout.write(`${count('error')} error(s), ${count('warning')} warning(s)\n`);
  }
  return analysis.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

/** The training-memory estimate on both engines, at the file's batch size. */
function trainingMemoryLines(analysis: ModelAnalysis): string {
  const lines = (['wasm', 'native'] as const).map((backend) => {
    const e = estimateTrainingMemory(analysis, { backend, machineBytes: totalmem() });
    return `Training memory ${memoryLine(e)}\n  ${memoryBreakdown(e)}\n`;
  });
  return lines.join('');
}

async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, { '--json': 'flag' });
  const problem = typeof parsed === 'string' ? parsed : parsed.positional.length === 0 ? 'expected a model file' : undefined;
  if (problem || typeof parsed === 'string') {
    process.stderr.write(`cnnlab summary: ${problem}\n${USAGE}`);
    return 2;
  }
  const json = parsed.options.has('--json');
  const files = parsed.positional;
  let status = 0;
  for (const file of files) status = Math.max(status, await summarise(file, json, files.length > 1));
  return status;
}

export const summaryCommand: CliCommand = {
  name: 'summary',
  usage: 'summary FILE... [--json]',
  summary: 'Layer table with output shapes, parameters and diagnostics',
  run,
};

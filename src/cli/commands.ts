/** The registry of CLI commands; each command module exports one `CliCommand`. */
import { summaryCommand } from './summary';
import { trainCommand } from './train';
import { installBackendCommand } from './install-backend';
import { predictCommand } from './predict';
import { inspectCommand } from './inspect';
import { evaluateCommand } from './evaluate';
import { exportCommand } from './export';
import { importCommand } from './import';
import { weightsCommand } from './weights';

export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  /** Returns the exit status. */
  run(args: string[]): Promise<number>;
}

export const commands: CliCommand[] = [summaryCommand, trainCommand, evaluateCommand, predictCommand, inspectCommand, exportCommand, importCommand, weightsCommand, installBackendCommand];

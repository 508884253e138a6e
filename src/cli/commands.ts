/** The registry of CLI commands; each command module exports one `CliCommand`. */
export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  /** Returns the exit status. */
  run(args: string[]): Promise<number>;
}

export const commands: CliCommand[] = [];

/**
 * `cnnlab`: the headless face of CNN Lab. Each command lives in src/cli/<command>.ts and returns an exit status:
 * 0 success, 1 the input has errors (or training failed), 2 usage or I/O problems.
 */
import { commands, type CliCommand } from './cli/commands';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || isHelp(name) || name === 'help') {
    // `cnnlab help train` is `cnnlab train --help`.
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(topic ? commandHelp(topic) : usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${require('../package.json').version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`cnnlab: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  // Every command answers --help the same way, before its own parsing sees the flag.
  if (rest.some(isHelp)) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  return command.run(rest);
}

function isHelp(arg: string): boolean {
  return arg === '--help' || arg === '-h';
}

function commandHelp(command: CliCommand): string {
  return `Usage: cnnlab ${command.usage}\n\n${command.summary}.\n`;
}

function usage(): string {
  const lines = commands.map((c) => `  cnnlab ${c.usage}\n      ${c.summary}`);
  return `Usage:\n${lines.join('\n')}\n\nRun cnnlab COMMAND --help for one command.\n`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`cnnlab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);

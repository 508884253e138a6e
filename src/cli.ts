/**
 * `cnnlab`: the headless face of CNN Lab. Each command lives in src/cli/<command>.ts and returns an exit status:
 * 0 success, 1 the input has errors (or training failed), 2 usage or I/O problems.
 */
import { commands } from './cli/commands';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
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
  return command.run(rest);
}

function usage(): string {
  const lines = commands.map((c) => `  cnnlab ${c.usage.padEnd(58)} ${c.summary}`);
  return `Usage:\n${lines.join('\n')}\n`;
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

/**
 * Command-line parsing shared by every `cnnlab` command: positional arguments and `--flag value`
 * (or `--flag=value`) options declared per command. Returns a message for the first problem instead of throwing.
 */
import { BACKEND_CHOICES, isBackendChoice } from '../protocol/runTypes';

export type OptionKind = 'flag' | 'string' | 'count' | 'fraction' | 'backend' | 'checkpoint';

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | number | boolean>;
}


/** Parses `args` against the declared options (name → kind, names with their leading dashes). */
export function parseArgs(args: string[], spec: Record<string, OptionKind>): ParsedArgs | string {
  const positional: string[] = [];
  const options = new Map<string, string | number | boolean>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1) return `unknown option ${arg}`;
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const kind = spec[name];
    if (!kind) return `unknown option ${name}`;
    if (kind === 'flag') {
      options.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    const parsed = parseValue(name, kind, value);
    if (typeof parsed === 'object') return parsed.error;
    options.set(name, parsed);
  }
  return { positional, options };
}

function parseValue(name: string, kind: OptionKind, value: string | undefined): string | number | { error: string } {
  if (value === undefined || value === '') return { error: `${name} expects a value` };
  switch (kind) {
    case 'count': {
      const n = Number(value);
      return Number.isInteger(n) && n >= 1 ? n : { error: `${name} expects a positive integer, got ${value}` };
    }
    case 'fraction': {
      const n = Number(value);
      return Number.isFinite(n) && n >= 0 && n <= 1 ? n : { error: `${name} expects a number between 0 and 1, got ${value}` };
    }
    case 'backend':
      return isBackendChoice(value) ? value : { error: `${name} expects one of ${BACKEND_CHOICES.join(', ')}, got ${value}` };
    case 'checkpoint':
      return value === 'best' || value === 'last' ? value : { error: `${name} expects best or last, got ${value}` };
    default:
      return value;
  }
}

/** The message of an error, for the terminal. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}


/** Where a command writes: the terminal, or a buffer in tests. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

/** stdout and stderr of this process. */
export const processOutput: CliOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

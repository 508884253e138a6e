/** Running a bench's child process (cnnlab train --json, a PyTorch twin) and reading the JSON line it ends with. */
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';

/** The last stdout line of a command, as JSON; throws with its stderr's last line when it failed. */
export function lastJsonLine<T>(command: string, args: string[]): T {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 3_600_000, maxBuffer: 64 << 20 });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    const why = (r.stderr || r.error?.message || 'no output').trim().split('\n').pop();
    throw new Error(`${basename(args[0] ?? command)} ${args.slice(1).join(' ')} failed: ${why}`);
  }
}

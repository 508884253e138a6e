/**
 * What the installed extension contributes, read from its package.json in code-server's extensions folder:
 * the tests find commands by id and type the title a person sees, so a renamed title does not break them,
 * and a command that is not contributed yet fails with a sentence saying so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CommandContribution {
  command: string;
  title: string;
  category?: string;
}

/** The subset of an extension manifest the tests read. */
export interface Manifest {
  name: string;
  publisher: string;
  version: string;
  displayName?: string;
  contributes?: {
    commands?: CommandContribution[];
    languages?: { id: string; extensions?: string[]; aliases?: string[] }[];
    views?: Record<string, { id: string; name: string }[]>;
  };
}

/** The manifest of the CNN Lab extension installed under `extensionsDir`; throws when it is not installed. */
export function installedManifest(extensionsDir: string): Manifest {
  const folder = existsSync(extensionsDir)
    ? readdirSync(extensionsDir).find((f) => f.startsWith('cnn-lab.cnn-lab-'))
    : undefined;
  if (!folder) throw new Error(`the CNN Lab extension is not installed in ${extensionsDir}`);
  return JSON.parse(readFileSync(join(extensionsDir, folder, 'package.json'), 'utf8')) as Manifest;
}

/** "Category: Title" as the command palette shows it. */
export function paletteLabel(c: CommandContribution): string {
  return c.category ? `${c.category}: ${c.title}` : c.title;
}

/** The palette label of command `id`; throws a clear "not contributed" error when the extension lacks it. */
export function commandLabel(manifest: Manifest, id: string): string {
  const found = manifest.contributes?.commands?.find((c) => c.command === id);
  if (!found) {
    const known = (manifest.contributes?.commands ?? []).map((c) => c.command).join(', ') || 'none';
    throw new Error(`feature missing: the extension does not contribute command "${id}" (it contributes: ${known})`);
  }
  return paletteLabel(found);
}

/** Palette label of the first contributed command whose id matches `pattern` (e.g. /inspect/i). */
export function commandLabelMatching(manifest: Manifest, pattern: RegExp, what: string): string {
  const found = manifest.contributes?.commands?.find((c) => pattern.test(c.command));
  if (!found) throw new Error(`feature missing: no contributed command for ${what} (no id matches ${pattern})`);
  return paletteLabel(found);
}

/** Name of the first contributed view whose id or name matches `pattern` (e.g. the runs view). */
export function viewNameMatching(manifest: Manifest, pattern: RegExp, what: string): string {
  const views = Object.values(manifest.contributes?.views ?? {}).flat();
  const found = views.find((v) => pattern.test(v.id) || pattern.test(v.name));
  if (!found) throw new Error(`feature missing: no contributed view for ${what} (no id or name matches ${pattern})`);
  return found.name;
}

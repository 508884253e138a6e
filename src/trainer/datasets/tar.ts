/**
 * A minimal reader of (gzipped) tar archives, enough to unpack dataset archives: regular files only,
 * ustar prefixes and GNU long names handled, every header checksum verified.
 */
import { DatasetError } from './errors';

export interface TarEntry {
  /** Path inside the archive, '/'-separated. */
  path: string;
  data: Uint8Array;
}

/** Lists the regular files of an uncompressed tar archive; `file` names the archive in errors. */
export function readTar(tar: Uint8Array, file: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return entries; // end-of-archive marker
    if (!checksumOk(header)) throw new DatasetError(`${file} is not a valid tar archive (bad header checksum at byte ${offset}).`, file);
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 48);
    const start = offset + 512;
    if (start + size > tar.length) throw new DatasetError(`${file} is truncated (an entry needs ${size} bytes past byte ${start}).`, file);
    const data = tar.subarray(start, start + size);
    if (type === 'L') {
      longName = text(data);
    } else {
      const prefix = text(header.subarray(345, 500));
      const name = longName ?? (prefix ? `${prefix}/${text(header.subarray(0, 100))}` : text(header.subarray(0, 100)));
      longName = undefined;
      if (type === '0' || type === '7') entries.push({ path: name, data });
    }
    offset = start + Math.ceil(size / 512) * 512;
  }
  throw new DatasetError(`${file} is truncated (no end-of-archive marker).`, file);
}

function checksumOk(header: Uint8Array): boolean {
  const stored = parseOctal(header.subarray(148, 156));
  let sum = 0;
  // The checksum field itself counts as eight spaces.
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  return sum === stored;
}

function parseOctal(field: Uint8Array): number {
  const s = text(field).trim();
  return s ? parseInt(s, 8) : 0;
}

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.subarray(0, end < 0 ? bytes.length : end)).toString('utf8');
}

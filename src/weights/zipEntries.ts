/**
 * The entries of a zip archive held in memory, enough for the files torch.save writes (stored entries, zip64 when
 * large) and for deflated ones. Pure: bytes in, bytes out.
 */
import { inflateRawSync } from 'node:zlib';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export interface ZipEntry {
  name: string;
  /** The entry's uncompressed bytes (a view into the archive when stored). */
  read(): Uint8Array;
}

/** True when `bytes` start like a zip archive. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === LOCAL;
}

function u64(view: DataView, at: number): number {
  return Number(view.getBigUint64(at, true));
}

/** The archive's entries by name; throws a plain Error (the caller names the file) when it is not a readable zip. */
export function zipEntries(bytes: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new Error('it is not a complete zip archive (no end-of-directory record: truncated?)');
  let count = view.getUint16(eocd + 10, true);
  let directory = view.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR) {
    const record = u64(view, locator + 8);
    if (record + 56 > bytes.length || view.getUint32(record, true) !== ZIP64_EOCD) throw new Error('its zip64 directory record is damaged');
    count = u64(view, record + 32);
    directory = u64(view, record + 48);
  }
  const entries = new Map<string, ZipEntry>();
  let at = directory;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) throw new Error('its zip directory is damaged');
    const method = view.getUint16(at + 10, true);
    let compressed = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let local = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // zip64: the 0xffffffff fields are given, in this order, in the extra field 0x0001.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength;) {
      const id = view.getUint16(e, true);
      const length = view.getUint16(e + 2, true);
      if (id === 1) {
        let f = e + 4;
        if (size === 0xffffffff) { size = u64(view, f); f += 8; }
        if (compressed === 0xffffffff) { compressed = u64(view, f); f += 8; }
        if (local === 0xffffffff) local = u64(view, f);
      }
      e += 4 + length;
    }
    entries.set(name, { name, read: () => entryBytes(bytes, view, name, local, method, compressed, size) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function entryBytes(bytes: Uint8Array, view: DataView, name: string, local: number, method: number, compressed: number, size: number): Uint8Array {
  if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL) throw new Error(`its zip entry ${name} is damaged`);
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  if (start + compressed > bytes.length) throw new Error(`its zip entry ${name} is cut short (truncated file?)`);
  const data = bytes.subarray(start, start + compressed);
  if (method === 0) return data;
  if (method === 8) {
    const out = inflateRawSync(data, { maxOutputLength: Math.max(size, 1) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  throw new Error(`its zip entry ${name} uses compression method ${method}, which is not supported (only stored and deflate)`);
}

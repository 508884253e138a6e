/**
 * The zip container of torch.save's format: entries stored uncompressed, each entry's data aligned to 64 bytes
 * (torch's writer pads the local header's extra field so storages can be memory-mapped). Reading accepts stored
 * entries only, as torch writes them; sizes are checked against the buffer so a damaged file cannot make us read
 * outside it.
 */
import { crc32 } from '../../files/crc32';

const ALIGNMENT = 64;
const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** A zip archive holding `entries` in order (no compression, no zip64: each file and the whole under 4 GiB). */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data);
    // Extra field: header id 'FB' + length + zero padding, so that the data starts on a multiple of ALIGNMENT.
    const unpadded = offset + LOCAL_HEADER + name.length + 4;
    const padding = (ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT;
    const extra = Buffer.alloc(4 + padding);
    extra.write('FB', 0, 'latin1');
    extra.writeUInt16LE(padding, 2);
    const local = Buffer.alloc(LOCAL_HEADER);
    local.writeUInt32LE(0x04034b50, 0);
    writeCommon(local, 4, crc, entry.data.length, name.length, extra.length);
    parts.push(local, name, extra, entry.data);
    const header = Buffer.alloc(CENTRAL_HEADER);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    writeCommon(header, 6, crc, entry.data.length, name.length, 0);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    offset += local.length + name.length + extra.length + entry.data.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(END_RECORD);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  if (offset + centralSize > 0xffffffff) throw new Error('the weights are over 4 GiB, more than this writer supports');
  return Buffer.concat([...parts, ...central, end]);
}

/** The fields local and central headers share, from "version needed" to the extra field's length. */
function writeCommon(b: Buffer, at: number, crc: number, size: number, nameLength: number, extraLength: number): void {
  b.writeUInt16LE(20, at); // version needed
  b.writeUInt16LE(0, at + 2); // flags
  b.writeUInt16LE(0, at + 4); // method: stored
  b.writeUInt32LE(0, at + 6); // DOS time and date
  b.writeUInt32LE(crc, at + 10);
  b.writeUInt32LE(size, at + 14);
  b.writeUInt32LE(size, at + 18);
  b.writeUInt16LE(nameLength, at + 22);
  b.writeUInt16LE(extraLength, at + 24);
}

/** The entries of a zip archive written with stored (uncompressed) entries; throws a message naming `what`. */
export function readZip(bytes: Uint8Array, what: string): Map<string, Uint8Array> {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string): Error => new Error(`${what} is not a torch.save zip archive (${why})`);
  const endAt = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0 || endAt + END_RECORD > b.length) throw bad('no end of central directory');
  const count = b.readUInt16LE(endAt + 10);
  let at = b.readUInt32LE(endAt + 16);
  const entries = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_HEADER > b.length || b.readUInt32LE(at) !== 0x02014b50) throw bad('damaged central directory');
    const method = b.readUInt16LE(at + 10);
    const size = b.readUInt32LE(at + 20);
    const nameLength = b.readUInt16LE(at + 28);
    const extraLength = b.readUInt16LE(at + 30);
    const commentLength = b.readUInt16LE(at + 32);
    const local = b.readUInt32LE(at + 42);
    const name = b.toString('utf8', at + CENTRAL_HEADER, at + CENTRAL_HEADER + nameLength);
    if (method !== 0) throw bad(`${name} is compressed`);
    if (local + LOCAL_HEADER > b.length || b.readUInt32LE(local) !== 0x04034b50) throw bad(`damaged entry ${name}`);
    const dataAt = local + LOCAL_HEADER + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    if (dataAt + size > b.length) throw bad(`${name} runs past the end of the file`);
    entries.set(name, bytes.subarray(dataAt, dataAt + size));
    at += CENTRAL_HEADER + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * The zip container of torch.save's format: entries stored uncompressed, each entry's data aligned to 64 bytes
 * (torch's writer pads the local header's extra field so storages can be memory-mapped). Reading is
 * src/weights/zipEntries.ts.
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

/**
 * torch.save's format for a state_dict, written without Python: a zip archive holding `data.pkl` (pickle protocol 2:
 * an OrderedDict of name → torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())),
 * each storage as `data/<key>` referenced by a persistent id, and `version`. Only opcodes and globals that
 * torch.load(weights_only=True) accepts are used.
 */
import { contiguousStrides } from '../../weights/stateDict';
import { writeZip, type ZipEntry } from './zipArchive';

/** A tensor of a state_dict, row-major in torch's layout. */
export interface TorchTensor {
  name: string;
  shape: number[];
  /** float32 values, or int64 ones (BatchNorm's num_batches_tracked). */
  dtype: 'float32' | 'int64';
  values: ArrayLike<number>;
}

const ARCHIVE = 'archive';

/** The bytes of a `.pth` file that `torch.load` reads as an OrderedDict of tensors. */
export function torchSave(tensors: readonly TorchTensor[]): Buffer {
  const pickle = new PickleWriter();
  pickle.proto2();
  pickle.global('collections', 'OrderedDict').emptyTuple().reduce();
  pickle.mark();
  tensors.forEach((t, key) => {
    pickle.unicode(t.name);
    writeTensor(pickle, t, String(key));
  });
  pickle.setItems().stop();
  const entries: ZipEntry[] = [{ name: `${ARCHIVE}/data.pkl`, data: pickle.bytes() }];
  tensors.forEach((t, key) => entries.push({ name: `${ARCHIVE}/data/${key}`, data: storageBytes(t) }));
  entries.push({ name: `${ARCHIVE}/version`, data: Buffer.from('3\n') });
  return writeZip(entries);
}

function writeTensor(p: PickleWriter, t: TorchTensor, key: string): void {
  const numel = t.shape.reduce((a, b) => a * b, 1);
  p.global('torch._utils', '_rebuild_tensor_v2').mark();
  p.mark().unicode('storage').global('torch', t.dtype === 'int64' ? 'LongStorage' : 'FloatStorage').unicode(key).unicode('cpu').int(numel).tuple().persistentId();
  p.int(0);
  p.mark();
  t.shape.forEach((d) => p.int(d));
  p.tuple().mark();
  contiguousStrides(t.shape).forEach((s) => p.int(s));
  p.tuple().bool(false);
  p.global('collections', 'OrderedDict').emptyTuple().reduce();
  p.tuple().reduce();
}

function storageBytes(t: TorchTensor): Uint8Array {
  if (t.dtype === 'float32') {
    const f = Float32Array.from(t.values);
    return new Uint8Array(f.buffer);
  }
  const b = Buffer.alloc(8 * t.values.length);
  for (let i = 0; i < t.values.length; i++) b.writeBigInt64LE(BigInt(Math.round(t.values[i])), 8 * i);
  return b;
}

/** The few pickle opcodes a state_dict needs (see Python's Lib/pickletools.py for their meaning). */
class PickleWriter {
  private readonly chunks: Buffer[] = [];

  private op(code: number, payload?: Buffer): this {
    this.chunks.push(Buffer.from([code]));
    if (payload) this.chunks.push(payload);
    return this;
  }

  proto2(): this {
    return this.op(0x80, Buffer.from([2]));
  }
  global(module: string, name: string): this {
    return this.op(0x63, Buffer.from(`${module}\n${name}\n`, 'utf8')); // GLOBAL
  }
  mark(): this {
    return this.op(0x28); // MARK
  }
  tuple(): this {
    return this.op(0x74); // TUPLE
  }
  emptyTuple(): this {
    return this.op(0x29); // EMPTY_TUPLE
  }
  reduce(): this {
    return this.op(0x52); // REDUCE
  }
  setItems(): this {
    return this.op(0x75); // SETITEMS
  }
  persistentId(): this {
    return this.op(0x51); // BINPERSID
  }
  bool(v: boolean): this {
    return this.op(v ? 0x88 : 0x89); // NEWTRUE / NEWFALSE
  }
  stop(): this {
    return this.op(0x2e); // STOP
  }
  int(n: number): this {
    if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new Error(`pickle: ${n} is not a 32-bit integer`);
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return this.op(0x4a, b); // BININT
  }
  unicode(s: string): this {
    const text = Buffer.from(s, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(text.length);
    return this.op(0x58, Buffer.concat([length, text])); // BINUNICODE
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

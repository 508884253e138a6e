/**
 * PyTorch's torch.save files read without Python: the zip format (torch ≥ 1.6: archive/data.pkl + archive/data/<key>)
 * and the legacy format (magic number, protocol, sys info, the pickle, then every storage as size + raw bytes).
 * Only a plain state_dict (a dict of names to tensors) is accepted: the pickle is interpreted by our restricted
 * reader, which resolves nothing but OrderedDict, the tensor-rebuild functions and the storage classes, so a file
 * that would run code in torch.load is refused, naming what it wanted, before anything of it runs.
 */
import { PickleError, readPickle, type PickleGlobals } from './pickleMachine';
import { DTYPE_BYTES, viewFits, WeightFileError, type StateDict, type StateTensor, type TensorDType } from './stateDict';
import { isZip, zipEntries } from './zipEntries';

const STORAGE_DTYPES: Record<string, TensorDType> = {
  FloatStorage: 'float32', DoubleStorage: 'float64', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** A storage named by a persistent id; its bytes are attached once known (zip: at once; legacy: after the pickle). */
interface StorageRef {
  dtype: TensorDType;
  key: string;
  numel: number;
  bytes?: Uint8Array;
}

/** What _rebuild_tensor_v2 returns while reading: the storage may not have its bytes yet (legacy format). */
interface PendingTensor {
  storage: StorageRef;
  offset: number;
  shape: number[];
  strides: number[];
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

function numbers(value: unknown, what: string): number[] {
  if (!Array.isArray(value) || !value.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)) {
    throw new PickleError(`a tensor's ${what} is not a tuple of sizes`);
  }
  return [...(value as number[])];
}

function rebuildTensor(args: unknown[]): PendingTensor {
  const [storage, offset, size, stride] = args;
  if (typeof storage !== 'object' || storage === null || !('dtype' in storage) || !('key' in storage)) {
    throw new PickleError('a tensor is not backed by a storage');
  }
  if (typeof offset !== 'number') throw new PickleError("a tensor's storage offset is not a number");
  const shape = numbers(size, 'size');
  const strides = numbers(stride, 'stride');
  if (shape.length !== strides.length) throw new PickleError("a tensor's size and stride differ in length");
  return { storage: storage as StorageRef, offset, shape, strides };
}

function torchGlobals(): PickleGlobals {
  const globals: PickleGlobals = {
    'collections.OrderedDict': {
      call: () => new Map(),
      // state_dict() carries `_metadata` (module versions) as an attribute: nothing we need.
      build: () => undefined,
    },
    'torch._utils._rebuild_tensor_v2': { call: rebuildTensor },
    'torch._utils._rebuild_tensor': { call: rebuildTensor },
    'torch._utils._rebuild_parameter': { call: (args) => args[0] },
  };
  for (const name of Object.keys(STORAGE_DTYPES)) globals[`torch.${name}`] = { call: () => { throw new PickleError(`torch.${name} is not callable here`); } };
  return globals;
}

function storageFromId(pid: unknown): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) throw new PickleError('it refers to external data that is not a tensor storage');
  const [, type, key, , numel] = pid as [string, { module?: string; name?: string }, unknown, unknown, unknown];
  const dtype = type && type.module === 'torch' && type.name ? STORAGE_DTYPES[type.name] : undefined;
  if (!dtype) throw new PickleError('a tensor storage has an unknown element type');
  if (typeof numel !== 'number' || numel < 0) throw new PickleError('a tensor storage has no valid size');
  if (pid[5] !== undefined && pid[5] !== null) throw new PickleError('a tensor storage is a view of another (an old format this reader does not support)');
  return { dtype, key: String(key), numel };
}

/** The pickle's result as a state_dict: refused unless it is a dict of names to tensors. */
function asStateDict(value: unknown): StateDict {
  if (!(value instanceof Map)) throw new PickleError('it holds no state_dict (the saved object is not a dict of tensors)');
  const out: StateDict = new Map();
  for (const [name, tensor] of value) {
    if (typeof name !== 'string') throw new PickleError('it holds a dict whose keys are not parameter names');
    const t = tensor as PendingTensor | undefined;
    if (!t || typeof t !== 'object' || !('storage' in t) || !('shape' in t)) {
      const keys = [...value.keys()].slice(0, 5).map(String).join(', ');
      throw new PickleError(`it holds a dict whose entry '${name}' is not a tensor (a checkpoint with ${keys}…? save its state_dict alone: torch.save(model.state_dict(), path))`);
    }
    const { storage } = t;
    if (!storage.bytes) throw new PickleError(`the data of '${name}' is missing`);
    if (storage.bytes.length < storage.numel * DTYPE_BYTES[storage.dtype]) throw new PickleError(`the data of '${name}' is shorter than its storage (truncated file?)`);
    if (!viewFits(t.shape, t.strides, t.offset, storage.numel)) throw new PickleError(`'${name}' reads outside its storage`);
    const state: StateTensor = { dtype: storage.dtype, shape: t.shape, strides: t.strides, offset: t.offset, storage: storage.bytes };
    out.set(name, state);
  }
  return out;
}

function readZipFormat(bytes: Uint8Array): StateDict {
  const entries = zipEntries(bytes);
  const pickleName = [...entries.keys()].find((n) => n.endsWith('/data.pkl') || n === 'data.pkl');
  if (!pickleName) throw new PickleError('it is a zip archive without data.pkl (a TorchScript or other archive, not a torch.save file)');
  const prefix = pickleName.slice(0, -'data.pkl'.length);
  const { value } = readPickle(entries.get(pickleName)!.read(), {
    globals: torchGlobals(),
    persistentLoad: (pid) => {
      const storage = storageFromId(pid);
      const entry = entries.get(`${prefix}data/${storage.key}`);
      if (!entry) throw new PickleError(`its storage data/${storage.key} is missing from the archive`);
      storage.bytes = entry.read();
      return storage;
    },
  });
  return asStateDict(value);
}

function readLegacyFormat(bytes: Uint8Array): StateDict {
  const plain = { globals: {} };
  const magic = readPickle(bytes, plain);
  if (typeof magic.value !== 'bigint' || magic.value !== LEGACY_MAGIC) throw new PickleError('it is neither a zip archive nor a legacy torch.save file (no magic number)');
  const protocol = readPickle(bytes, plain, magic.end);
  if (protocol.value !== LEGACY_PROTOCOL) throw new PickleError(`it is a legacy torch.save file of protocol ${String(protocol.value)}, not ${LEGACY_PROTOCOL}`);
  const sysInfo = readPickle(bytes, plain, protocol.end);
  const storages = new Map<string, StorageRef>();
  const main = readPickle(bytes, {
    globals: torchGlobals(),
    persistentLoad: (pid) => {
      const storage = storageFromId(pid);
      const known = storages.get(storage.key);
      if (known) return known;
      storages.set(storage.key, storage);
      return storage;
    },
  }, sysInfo.end);
  const keys = readPickle(bytes, plain, main.end);
  if (!Array.isArray(keys.value)) throw new PickleError('its list of storages is missing');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = keys.end;
  for (const key of keys.value) {
    const storage = storages.get(String(key));
    if (!storage) throw new PickleError(`its storage ${String(key)} is not used by any tensor`);
    if (at + 8 > bytes.length) throw new PickleError('it is cut short (truncated file?)');
    const numel = Number(view.getBigInt64(at, true));
    const length = numel * DTYPE_BYTES[storage.dtype];
    if (numel !== storage.numel || at + 8 + length > bytes.length) throw new PickleError(`its storage ${String(key)} is cut short or mis-sized (truncated file?)`);
    storage.bytes = bytes.subarray(at + 8, at + 8 + length);
    at += 8 + length;
  }
  return asStateDict(main.value);
}

/** The state_dict in the bytes of a torch.save file (`file` names it in errors). */
export function readTorchStateDict(bytes: Uint8Array, file: string): StateDict {
  try {
    return isZip(bytes) ? readZipFormat(bytes) : readLegacyFormat(bytes);
  } catch (error) {
    // Any failure (refusal, malformed pickle, a read past the end) is about the file, not a bug of ours.
    const reason = error instanceof Error ? error.message : String(error);
    throw new WeightFileError(`${file} is not a PyTorch state_dict this reader accepts: ${reason}`, file);
  }
}


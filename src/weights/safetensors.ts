/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}, then the tensors' bytes, row-major.
 */
import { contiguousStrides, DTYPE_BYTES, elementCount, WeightFileError, type StateDict, type TensorDType } from './stateDict';

const DTYPES: Record<string, TensorDType> = {
  F32: 'float32', F64: 'float64', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32', I16: 'int16',
  I8: 'int8', U8: 'uint8', BOOL: 'bool',
};

/** True when `bytes` start like a safetensors file (a plausible header length followed by '{'). */
export function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 9) return false;
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return length > 1 && 8 + length <= bytes.length && bytes[8] === 0x7b;
}

/** The tensors of a safetensors file (`file` names it in errors). */
export function readSafetensors(bytes: Uint8Array, file: string): StateDict {
  const fail = (why: string): never => {
    throw new WeightFileError(`${file} is not a safetensors file this reader accepts: ${why}`, file);
  };
  if (!isSafetensors(bytes)) fail('its header is missing or longer than the file');
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    return fail(`its header is not JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('its header is not a JSON object');
  const data = bytes.subarray(8 + headerLength);
  const out: StateDict = new Map();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const type = typeof dtype === 'string' ? DTYPES[dtype] : undefined;
    if (!type) fail(`'${name}' has the element type ${JSON.stringify(dtype)}, which is not supported`);
    if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0)) fail(`'${name}' has no valid shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((n) => Number.isInteger(n) && n >= 0)) fail(`'${name}' has no valid data_offsets`);
    const [begin, end] = offsets as [number, number];
    const dims = shape as number[];
    if (end - begin !== elementCount(dims) * DTYPE_BYTES[type!] || end > data.length) fail(`'${name}' has data_offsets [${begin}, ${end}] that do not match its shape [${dims}] or the file's size`);
    out.set(name, { dtype: type!, shape: dims, strides: contiguousStrides(dims), offset: 0, storage: data.subarray(begin, end) });
  }
  return out;
}

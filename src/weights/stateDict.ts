/**
 * A state_dict as read from a weight file (PyTorch pickle or safetensors): ordered names → tensors, kept as the
 * file stores them (dtype, storage bytes, strides) so that nothing is copied until a value is asked for.
 * Pure: no vscode, tfjs or file-system imports.
 */

/** The element types a weight file may hold, in PyTorch's names. */
export type TensorDType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** Bytes per element of each dtype. */
export const DTYPE_BYTES: Record<TensorDType, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

/** One tensor of a weight file: a strided view into its (little-endian) storage bytes. */
export interface StateTensor {
  dtype: TensorDType;
  /** Sizes, outermost first ([] for a scalar such as BatchNorm's num_batches_tracked). */
  shape: number[];
  /** Element strides, outermost first (row-major contiguous when read from safetensors). */
  strides: number[];
  /** First element's index in `storage`, in elements. */
  offset: number;
  /** The storage the tensor views, little-endian. */
  storage: Uint8Array;
}

/** Names in file order → tensors. */
export type StateDict = Map<string, StateTensor>;

/** An error about a weight file's content; the message names the file. */
export class WeightFileError extends Error {
  constructor(message: string, readonly file: string) {
    super(message);
    this.name = 'WeightFileError';
  }
}

/** Number of elements of `shape`. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Row-major contiguous strides for `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i];
  }
  return strides;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Reads element `index` of a storage of `dtype` as a JavaScript number. */
function elementReader(dtype: TensorDType, view: DataView): (index: number) => number {
  switch (dtype) {
    case 'float32': return (i) => view.getFloat32(i * 4, true);
    case 'float64': return (i) => view.getFloat64(i * 8, true);
    case 'float16': return (i) => halfToFloat(view.getUint16(i * 2, true));
    case 'bfloat16': {
      const scratch = new DataView(new ArrayBuffer(4));
      return (i) => {
        scratch.setUint32(0, view.getUint16(i * 2, true) << 16);
        return scratch.getFloat32(0);
      };
    }
    case 'int64': return (i) => Number(view.getBigInt64(i * 8, true));
    case 'int32': return (i) => view.getInt32(i * 4, true);
    case 'int16': return (i) => view.getInt16(i * 2, true);
    case 'int8': return (i) => view.getInt8(i);
    case 'uint8': return (i) => view.getUint8(i);
    case 'bool': return (i) => (view.getUint8(i) ? 1 : 0);
  }
}

/** The tensor's values in row-major order as float32 (what our engine trains in), whatever its dtype and strides. */
export function tensorValues(t: StateTensor): Float32Array {
  const count = elementCount(t.shape);
  const out = new Float32Array(count);
  if (count === 0) return out;
  const view = new DataView(t.storage.buffer, t.storage.byteOffset, t.storage.byteLength);
  const rowMajor = contiguousStrides(t.shape);
  const contiguous = t.strides.every((s, i) => s === rowMajor[i] || t.shape[i] === 1);
  if (contiguous && t.dtype === 'float32' && (t.storage.byteOffset + t.offset * 4) % 4 === 0) {
    out.set(new Float32Array(t.storage.buffer, t.storage.byteOffset + t.offset * 4, count));
    return out;
  }
  const read = elementReader(t.dtype, view);
  const index = new Array<number>(t.shape.length).fill(0);
  for (let n = 0; n < count; n++) {
    let at = t.offset;
    for (let d = 0; d < index.length; d++) at += index[d] * t.strides[d];
    out[n] = read(at);
    for (let d = index.length - 1; d >= 0; d--) {
      if (++index[d] < t.shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

/** Checks that a view of `count` elements with `strides` from `offset` stays inside a storage of `storageElements`. */
export function viewFits(shape: readonly number[], strides: readonly number[], offset: number, storageElements: number): boolean {
  if (shape.some((s) => s === 0)) return offset >= 0;
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    if (strides[d] < 0) return false;
    last += (shape[d] - 1) * strides[d];
  }
  return offset >= 0 && last < storageElements;
}

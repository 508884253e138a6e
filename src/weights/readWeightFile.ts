/**
 * A weight file a user named, read whole and recognised by its content (not its extension): torch.save's zip or
 * legacy format, or safetensors.
 */
import { FILE_LIMITS, readUserFile } from '../files/readUserFile';
import { readSafetensors, isSafetensors } from './safetensors';
import type { StateDict } from './stateDict';
import { readTorchStateDict } from './torchPickle';

/** The state_dict stored in the bytes of `file` (a .pth/.pt or .safetensors). */
export function stateDictFromBytes(bytes: Uint8Array, file: string): StateDict {
  return isSafetensors(bytes) ? readSafetensors(bytes, file) : readTorchStateDict(bytes, file);
}

/** Reads the weight file at `path`; errors (UserFileError, WeightFileError) name it. */
export function readWeightFile(path: string): StateDict {
  const bytes = readUserFile(path, { maxBytes: FILE_LIMITS.weights, what: 'weight file' });
  return stateDictFromBytes(bytes, path);
}

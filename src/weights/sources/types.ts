/**
 * A kind of weights `--weights` and `weights:` accept (a torch file, a safetensors file, one of our runs…): how to
 * recognise it at a path and how to read it as a state_dict keyed by PyTorch's names, in torch's layouts.
 */
import type { StateDict } from '../stateDict';

/** What a source may look at to recognise a path. */
export interface WeightPath {
  path: string;
  isDirectory: boolean;
  /** The file's bytes, read once on first use (files only). */
  bytes(): Uint8Array;
}

export interface WeightSource {
  name: string;
  /** What the user passes, for messages ("a PyTorch .pth/.pt state_dict"). */
  what: string;
  recognizes(p: WeightPath): boolean;
  /** The state_dict; errors name the file or folder. */
  read(p: WeightPath): StateDict;
}

/**
 * A file torch.save wrote (zip or legacy format): any file that is not safetensors, so that the pickle reader's
 * own message says why a file that is neither cannot be read.
 */
import { isSafetensors } from '../safetensors';
import { readTorchStateDict } from '../torchPickle';
import type { WeightSource } from './types';

export const torchFile: WeightSource = {
  name: 'torch',
  what: 'a PyTorch .pth/.pt state_dict',
  recognizes: (p) => !p.isDirectory && !isSafetensors(p.bytes()),
  read: (p) => readTorchStateDict(p.bytes(), p.path),
};

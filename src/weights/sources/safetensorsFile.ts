/** A Hugging Face `.safetensors` file, recognised by its header. */
import { isSafetensors, readSafetensors } from '../safetensors';
import type { WeightSource } from './types';

export const safetensorsFile: WeightSource = {
  name: 'safetensors',
  what: 'a .safetensors file',
  recognizes: (p) => !p.isDirectory && isSafetensors(p.bytes()),
  read: (p) => readSafetensors(p.bytes(), p.path),
};

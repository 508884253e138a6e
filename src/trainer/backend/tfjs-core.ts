/**
 * Our bundled tfjs-core with every gradient registered (it registers none by itself; training needs them all).
 * The order matters: tfjs-core's main build must be loaded first, as it creates the engine every copy shares;
 * were the ES-module files register_all_gradients pulls in to create it, tensors' methods (t.cast()) would fail.
 */
import * as tfCore from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export { tfCore };

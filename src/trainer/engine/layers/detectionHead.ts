/**
 * DetectionHead in the engine: its 3×3 convolution built as Conv2d (torch's initialisation, names `weight` and
 * `bias`), then the class biases set to the 1% object prior (src/model/layers/detectionHead.ts).
 */
import { classPriorBias, detectionHeadConv } from '../../../model/layers/detectionHead';
import type { DetectionHeadArgs } from '../../../model/types';
import { buildConv2d } from './conv';
import type { BuildContext, EngineLayer } from './types';

export function buildDetectionHead(ctx: BuildContext, name: string, a: DetectionHeadArgs): EngineLayer {
  const { tf } = ctx;
  const conv = buildConv2d(ctx, name, detectionHeadConv(a));
  const bias = conv.params.find((p) => p.name === `${name}.bias`);
  if (bias) {
    const values = bias.variable.dataSync().slice();
    values.fill(classPriorBias(), 0, a.num_classes);
    tf.tidy(() => bias.variable.assign(tf.tensor1d(values)));
  }
  return { name, params: conv.params, buffers: [], apply: conv.apply };
}

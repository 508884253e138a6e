/**
 * `task: reconstruction`: the target is the clean input (batch.clean when input noise is on, else batch.x itself);
 * element-wise losses; no accuracy; metrics are the reconstruction errors in pixel units, per class, and the anomaly
 * ROC when data.include_classes left classes out of training; best = lowest validation loss. Each validation pass
 * also keeps its first images (input | noisy input | output) as the strip the training panel shows after each epoch.
 */
import type { TestMetrics } from '../../protocol/runTypes';
import { elementwiseLoss } from '../engine/losses';
import { ReconstructionRecorder } from '../runs/reconstructions';
import { imageErrors, inputToPixel, outputToPixel, reconstructionMetrics, type ToPixel } from './reconstructionErrors';
import { StripCollector } from './sampleStrip';
import type { EngineTask, TaskContext } from './types';

export function reconstructionTask(ctx: TaskContext): EngineTask {
  const toPixel = outputToPixel(ctx.loss, ctx.normalize);
  const fromInput = inputToPixel(ctx.normalize);
  const k = ctx.classes.length;
  const included = ctx.includedClasses ?? null;
  return {
    name: 'reconstruction',
    tensors(tf, batch, set) {
      const shape: [number, number, number, number] = [batch.size, set.height, set.width, set.channels];
      const input = tf.tensor4d(batch.x, shape);
      return { input, target: batch.clean ? tf.tensor4d(batch.clean, shape) : input };
    },
    loss: (tf, output, target) => elementwiseLoss(tf, ctx.loss, output, target),
    batchScore: (tf) => tf.scalar(0),
    epochScore: () => null,
    evaluation(set) {
      let lossSum = 0;
      const errors: number[] = [];
      const labels: number[] = [];
      let strip: StripCollector | undefined;
      return {
        add(batch, start, outputs, meanLoss) {
          lossSum += meanLoss * batch.size;
          const batchErrors = imageErrors(set, start, batch.size, outputs, toPixel);
          errors.push(...batchErrors);
          labels.push(...batch.y);
          strip ??= new StripCollector(batch.clean ? ['input', 'noisy input', 'output'] : ['input', 'output'], 'MSE');
          const size = batch.height * batch.width * batch.channels;
          for (let i = 0; i < batch.size && !strip.full; i++) {
            const at = (values: Float32Array, map: ToPixel) => ({ values, offset: i * size, toPixel: map });
            const columns = batch.clean ? [at(batch.clean, fromInput), at(batch.x, fromInput)] : [at(batch.x, fromInput)];
            strip.add(start + i, batch.y[i], [...columns, at(outputs, toPixel)], batch, batchErrors[i]);
          }
        },
        samples: (epoch) => strip?.strip(epoch) ?? null,
        result(): TestMetrics {
          const samples = errors.length;
          return {
            loss: samples > 0 ? lossSum / samples : NaN, accuracy: null, perClassAccuracy: [], confusion: [], samples,
            reconstruction: reconstructionMetrics(errors, labels, k, included),
          };
        },
      };
    },
    epochFields: (validation) => ({ valMse: validation?.reconstruction?.mse ?? null }),
    checkData(analysis) {
      const [out, input] = [analysis.outputShape, analysis.input];
      if (out.join() !== input.join()) throw new Error(`task reconstruction: the model outputs [${out}] per sample but its input is [${input}]; the output must equal the input`);
    },
    testRecorder: (dataset) => new ReconstructionRecorder(dataset.classes, included, toPixel),
  };
}

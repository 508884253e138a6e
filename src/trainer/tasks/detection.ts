/**
 * `task: detection` (docs/detection.md): the target is each image's boxes, moved by the batch's augmentation and
 * packed per location of the head's map (FCOS assignment, packFcosTargets); the loss is detectionLosses.ts's fcosLoss
 * (focal + GIoU + centre-ness); no training score; each evaluation pass decodes the head's outputs (DetectionPass)
 * into COCO's mAP@0.5, mAP@[.5:.95], per-class AP and PR curves, and keeps its first images with their true boxes and
 * detections as the panel's strip, all decoded as the model's DetectionHead says (ctx.decode); best = lowest validation loss unless train.best
 * names val_map50 or val_map.
 */
import type { Box } from '../../model/detection/boxes';
import type { FcosGrid } from '../../model/detection/fcosCoding';
import { fcosChannels } from '../../model/detection/fcosDecode';
import { shownScore } from '../../model/detection/postprocess';
import type { Shape } from '../../model/types';
import type { TestMetrics } from '../../protocol/runTypes';
import { objectsOf } from '../datasets/objectBoxes';
import type { Batch } from '../datasets/types';
import { DetectionPass } from './detectionEvaluation';
import { DetectionStrip } from './detectionStrip';
import { inputToPixel } from './reconstructionErrors';
import { DetectionWorstRecorder } from './detectionWorst';
import { fcosDivisor, fcosLoss, fcosTargetChannels, packFcosTargets } from './detectionLosses';
import type { EngineTask, TaskContext } from './types';

export function detectionTask(ctx: TaskContext): EngineTask {
  const k = ctx.classes.length;
  const fromInput = inputToPixel(ctx.normalize);
  const map = headMap(ctx.outputShape, k);
  const gridOf = (batch: Pick<Batch, 'height' | 'width'>): FcosGrid => {
    if (batch.height % map.height !== 0 || batch.width % map.width !== 0 || batch.height / map.height !== batch.width / map.width) {
      throw new Error(`task detection: the head's ${map.height}×${map.width} map does not divide the ${batch.height}×${batch.width} images by one whole stride`);
    }
    return { ...map, stride: batch.height / map.height };
  };
  return {
    name: 'detection',
    tensors(tf, batch) {
      const grid = gridOf(batch);
      return {
        input: tf.tensor4d(batch.x, [batch.size, batch.height, batch.width, batch.channels]),
        target: tf.tensor4d(packFcosTargets(batchImages(batch), grid, k), [batch.size, grid.height, grid.width, fcosTargetChannels(k)]),
      };
    },
    lossDivisor: (batch) => fcosDivisor(batchImages(batch), gridOf(batch)),
    loss: (tf, output, target) => fcosLoss(tf, output, target).total,
    lossParts(tf, output, target) {
      const { classes, boxes, centerness } = fcosLoss(tf, output, target);
      return { classes, boxes, centerness };
    },
    batchScore: (tf) => tf.scalar(0),
    epochScore: () => null,
    evaluation() {
      let pass: DetectionPass | undefined;
      const strip = new DetectionStrip(ctx.classes, fromInput, shownScore(ctx.decode?.scoreThreshold));
      let lossSum = 0;
      let samples = 0;
      return {
        add(batch, start, outputs, meanLoss) {
          pass ??= new DetectionPass({ grid: gridOf(batch), classes: k, decode: ctx.decode });
          strip.add(batch, start, pass.add(batch, start, outputs));
          lossSum += meanLoss * batch.size;
          samples += batch.size;
        },
        samples: (epoch) => strip.samples(epoch),
        result(): TestMetrics {
          const detection = pass?.metrics();
          return {
            loss: samples > 0 ? lossSum / samples : NaN, accuracy: null, perClassAccuracy: [], confusion: [], samples,
            ...(detection ? { detection } : {}),
          };
        },
      };
    },
    epochFields: (validation) => ({ valMap50: validation?.detection?.map50 ?? null, valMap: validation?.detection?.map ?? null }),
    checkData(analysis, dataset) {
      const out = analysis.outputShape;
      if (out.length !== 3 || out[0] !== fcosChannels(dataset.classes.length)) {
        throw new Error(`task detection: the model outputs [${out}] per sample, but ${dataset.name} has ${dataset.classes.length} classes (${dataset.classes.join(', ')}): end the model with DetectionHead(…, ${dataset.classes.length})`);
      }
      for (const [split, set] of [['train', dataset.train], ['validation', dataset.validation], ['test', dataset.test]] as const) {
        if (set.count > 0 && !set.objects) throw new Error(`task detection: ${dataset.name}'s ${split} images have no boxes`);
        const classes = set.objects?.classes ?? [];
        const bad = classes.findIndex((c) => c >= k);
        if (bad >= 0) throw new Error(`task detection: ${dataset.name} (${split}) has an object of class ${classes[bad]}, but there are ${k} classes`);
      }
      gridOf(dataset.train);
    },
    testRecorder: (dataset) => new DetectionWorstRecorder(dataset.classes, (set) => gridOf(set), ctx.decode),
  };
}

/** The head's map from the model's output [classes + 5, H, W]. */
function headMap(output: Shape | undefined, classes: number): { height: number; width: number } {
  if (!output || output.length !== 3 || output[0] !== fcosChannels(classes)) {
    throw new Error(`task detection: the model outputs [${output ?? ''}] per sample but needs [${fcosChannels(classes)}, H, W]: end it with DetectionHead(…, ${classes})`);
  }
  return { height: output[1], width: output[2] };
}

/** Each image's boxes and classes, as the FCOS assignment takes them. */
function batchImages(batch: Batch): { boxes: Box[]; classes: number[] }[] {
  const objects = batch.objects;
  if (!objects) throw new Error('task detection: a batch came without its boxes');
  return Array.from({ length: batch.size }, (_, i) => {
    const list = objectsOf(objects, i);
    return { boxes: list.map((o) => o.box), classes: list.map((o) => o.cls) };
  });
}

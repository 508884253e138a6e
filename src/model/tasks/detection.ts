/**
 * `task: detection`: several objects per image, each a class and a box (docs/detection.md). The model ends with a
 * DetectionHead, [classes + 5, H/s, W/s] per image (single-level FCOS: class logits, l t r b distances in strides,
 * centre-ness); the target is each image's boxes; loss fcos (sigmoid focal loss + GIoU + centre-ness BCE); metrics
 * are COCO's mAP@0.5 and mAP@[.5:.95], per-class AP and precision/recall curves.
 */
import { formatShape } from '../layers/arithmetic';
import { BOX_CHANNELS } from '../layers/detectionHead';
import type { DetectionHeadArgs, FixEdit } from '../types';
import type { TaskDefinition } from './types';

export const detectionTask: TaskDefinition = {
  name: 'detection',
  doc: 'Several objects per image, each a class and a box: the model ends with DetectionHead(in_channels, num_classes), a one-stage anchor-free FCOS head giving [classes + 5, H/s, W/s]; loss fcos (sigmoid focal loss for the classes, GIoU for the boxes, BCE for the centre-ness); metrics are COCO\'s mAP@0.5 and mAP@[.5:.95], per-class AP and precision/recall curves.',
  losses: ['fcos'],
  defaultLoss: 'fcos',
  target: 'boxes',
  views: { epochChart: 'map', results: 'detection', epochSamples: true, lossParts: ['classes', 'boxes', 'centerness'] },
  metrics: ['val_loss', 'val_map50', 'val_map'],
  classNames(datasetClasses, output) {
    if (datasetClasses) return [...datasetClasses];
    const n = output && output.length === 3 ? output[0] - BOX_CHANNELS : 0;
    return Array.from({ length: Math.max(0, Math.min(n, 1000)) }, (_, i) => String(i));
  },
  checkOutput(m, sink) {
    const last = m.layers[m.layers.length - 1];
    const input = m.spec.input?.value;
    if (!last || !m.output || m.output.length === 0 || !input) return;
    if (last.type !== 'DetectionHead' || m.output.length !== 3) {
      sink.error('output-not-detection', `task detection: the model must end with DetectionHead(in_channels, num_classes), which outputs [classes + 5, H/s, W/s]; it ends with ${last.type} (line ${last.range.start.line + 1}) giving ${formatShape(m.output)}`, last.range);
      return;
    }
    const [, h, w] = m.output;
    if (input.length === 3 && (input[1] % h !== 0 || input[2] % w !== 0 || input[1] / h !== input[2] / w)) {
      sink.error('output-not-detection', `task detection: the head's ${h}×${w} map must divide the ${input[1]}×${input[2]} input by one whole stride in both directions (each location stands for a stride×stride patch)`, last.range);
    }
    const count = m.classes.length;
    const a = last.args as DetectionHeadArgs;
    if (count > 0 && a.num_classes !== count) {
      const fixes: FixEdit[] = [];
      const written = m.writtenRange(last, 'num_classes');
      if (written) fixes.push({ title: `Set num_classes to ${count}`, range: written, newText: String(count) });
      const named = m.spec.classes ? 'classes lists' : `${m.data.dataset} has`;
      sink.warning('classes-mismatch', `DetectionHead predicts ${a.num_classes} classes but ${named} ${count} (${m.classes.slice(0, 8).join(', ')}${count > 8 ? ', …' : ''})`, last.range, fixes);
    }
  },
};

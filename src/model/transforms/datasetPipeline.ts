/** The model file's pipelines, starting from the size of the images its dataset stores. */
import { DATASET_INFO } from '../config/datasets';
import type { DiagnosticSink } from '../diagnostics';
import type { ModelFileSpec } from '../parse/modelFile';
import type { SourceText } from '../parse/sourceText';
import type { DataConfig, DataPipeline, ImageSize } from '../types';
import { readPipeline } from './pipeline';

/** [height, width] of the images the dataset gives: shapes draws them at `input`'s size; imagefolder's vary. */
export function datasetImageSize(data: DataConfig, input: number[]): ImageSize {
  if (data.dataset === 'shapes') return input.length === 3 ? [input[1], input[2]] : undefined;
  const shape = DATASET_INFO[data.dataset].shape;
  return shape ? [shape[1], shape[2]] : undefined;
}

export function datasetPipeline(spec: ModelFileSpec, data: DataConfig, input: number[], src: SourceText, sink: DiagnosticSink): DataPipeline {
  return readPipeline(
    { dataNode: spec.data?.node, dataRange: spec.data?.range ?? spec.topRange, data, input, datasetSize: datasetImageSize(data, input), datasetLabel: `${data.dataset} images` },
    src,
    sink,
  );
}

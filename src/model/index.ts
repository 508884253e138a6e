/**
 * The public face of the pure model core (no vscode, tfjs or DOM): analyse a `*.cnn.yaml` text, find the layer
 * under the cursor, explain a layer, and the catalogs the editor's completion and hovers read.
 */
export { analyzeModel } from './analyze';
export type { AnalysisEnvironment, FolderReader } from './config/imageFolder';
export { layerAt, mergeAt, mergesOf, rangeContains } from './layerAt';
export { mergeFormula } from './infer/merge';
export { explainLayer, type LayerExplanation } from './explain';
export { LAYER_CATALOG, LAYER_TYPES, lookupLayerType, type LayerFamily, type LayerSignature } from './layers/catalog';
export { boundsText, type ArgKind, type ArgSignature } from './layers/argDocs';
export { DIAGNOSTIC_CODES, type DiagnosticCode, type DiagnosticCodeDoc } from './diagnosticCodes';
export { DATA_KEYS, DATASETS } from './config/dataKeys';
export { TRAIN_KEYS, OPTIMIZERS, LOSSES, SCHEDULE_DEFAULTS } from './config/trainKeys';
export { DATASET_INFO, LOADABLE_CHANNELS, SHAPES_MIN_SIZE, type DatasetInfo } from './config/datasets';
export type { KeyDoc, SectionSchema, ConfigValue } from './config/schema';
export { TASKS, TASK_NAMES, DEFAULT_TASK, isTaskName, type TaskDefinition, type TaskViews } from './tasks/registry';
export { MODEL_KEYS } from './parse/modelFile';
export { formatSummaryTable } from './report/summaryTable';
export { formatDiagnostic } from './report/formatDiagnostic';
export { summaryJson, type SummaryJson } from './report/summaryJson';
export { formatShape, formatCount } from './layers/arithmetic';
export * from './types';

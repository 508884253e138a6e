/**
 * Ids of the training features as contributed in package.json: commands, the runs view, the webview panel types
 * (their `onWebviewPanel:` activation events). No vscode import, so the manifest test can read them.
 */
import { COMMANDS } from '../language/commands';

export const TRAINING_COMMANDS = {
  trainModel: COMMANDS.trainModel,
  stopTraining: COMMANDS.stopTraining,
  showActiveRun: 'cnnlab.showTrainingPanel',
  openRunFolder: 'cnnlab.openRunFolder',
  installNativeBackend: 'cnnlab.installNativeBackend',
  trainWithPyTorch: 'cnnlab.trainWithPyTorch',
  importWeights: 'cnnlab.importWeights',
  downloadPretrainedWeights: 'cnnlab.downloadPretrainedWeights',
} as const;

/** The runs view's actions. */
export const RUN_COMMANDS = {
  refresh: 'cnnlab.runs.refresh',
  openPanel: 'cnnlab.runs.openPanel',
  compare: 'cnnlab.runs.compare',
  openModel: 'cnnlab.runs.openModel',
  diffModel: 'cnnlab.runs.diffModel',
  reveal: 'cnnlab.runs.reveal',
  evaluate: 'cnnlab.runs.evaluate',
  delete: 'cnnlab.runs.delete',
  export: 'cnnlab.runs.export',
} as const;

export const RUNS_CONTAINER_ID = 'cnnlab';
export const RUNS_VIEW_ID = 'cnnlab.runs';
export const TRAINING_VIEW_TYPE = 'cnnlab.training';
export const COMPARE_VIEW_TYPE = 'cnnlab.compare';

/** Ids the editor features refer to: command ids (registered by extension.ts) and the template snippet. */

/** Command ids, as contributed in package.json. */
export const COMMANDS = {
  showSummary: 'cnnlab.showSummary',
  trainModel: 'cnnlab.trainModel',
  stopTraining: 'cnnlab.stopTraining',
  newModelFile: 'cnnlab.newModelFile',
  copyAsPyTorch: 'cnnlab.copyAsPyTorch',
} as const;

/** The name of the "New model file" template in snippets/cnn-yaml.code-snippets (the template lives there only). */
export const NEW_MODEL_SNIPPET = 'New model file';

/** Registers every editor feature for model files; returns what must be disposed on deactivation. */
import * as vscode from 'vscode';
import type { CnnLabConfig } from '../../config';
import { ModelCodeActionProvider } from './codeActionProvider';
import { ModelCodeLensProvider } from './codeLensProvider';
import { COMPLETION_TRIGGERS, ModelCompletionProvider } from './completionProvider';
import { DiagnosticsController } from './diagnosticsController';
import { FrozenLayerDecorations } from './frozenDecorations';
import { ModelHoverProvider } from './hoverProvider';
import { ModelInlayHintsProvider } from './inlayHintsProvider';
import { MODEL_SELECTOR, type ModelDocuments } from './modelDocuments';
import { ModelSymbolProvider } from './symbolProvider';

export interface LanguageFeatureOptions {
  documents: ModelDocuments;
  config: () => CnnLabConfig;
  log: vscode.LogOutputChannel;
  /** Whether a "Train model" lens should be offered (a trainer is available). */
  canTrain: boolean;
}

export function registerLanguageFeatures({ documents, config, log, canTrain }: LanguageFeatureOptions): vscode.Disposable[] {
  const hints = new ModelInlayHintsProvider(documents, config, log);
  return [
    new DiagnosticsController(documents, config, log),
    new FrozenLayerDecorations(documents, config, log),
    hints,
    vscode.languages.registerInlayHintsProvider(MODEL_SELECTOR, hints),
    vscode.languages.registerHoverProvider(MODEL_SELECTOR, new ModelHoverProvider(documents, log)),
    vscode.languages.registerCompletionItemProvider(MODEL_SELECTOR, new ModelCompletionProvider(documents, log), ...COMPLETION_TRIGGERS),
    vscode.languages.registerCodeActionsProvider(MODEL_SELECTOR, new ModelCodeActionProvider(documents, log), ModelCodeActionProvider.metadata),
    vscode.languages.registerCodeLensProvider(MODEL_SELECTOR, new ModelCodeLensProvider(documents, canTrain, log)),
    vscode.languages.registerDocumentSymbolProvider(MODEL_SELECTOR, new ModelSymbolProvider(documents, log)),
  ];
}

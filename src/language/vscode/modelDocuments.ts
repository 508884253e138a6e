/** The analysis of open model files, one per document version, shared by all providers and panels. */
import * as vscode from 'vscode';
import { analyzeModel } from '../../model';
import { AnalysisCache, type AnalysedDocument } from '../analysisCache';

/** The language id of `*.cnn.yaml` / `*.cnn.yml` files. */
export const MODEL_LANGUAGE_ID = 'cnn-yaml';

/** Documents the editor features apply to. */
export const MODEL_SELECTOR: vscode.DocumentSelector = [{ language: MODEL_LANGUAGE_ID }];

export function isModelDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === MODEL_LANGUAGE_ID;
}

export class ModelDocuments implements vscode.Disposable {
  private readonly cache: AnalysisCache;
  private readonly subscription: vscode.Disposable;

  constructor(log: vscode.LogOutputChannel) {
    this.cache = new AnalysisCache(analyzeModel, (e) => log.error('analyzeModel failed', e));
    this.subscription = vscode.workspace.onDidCloseTextDocument((doc) => this.cache.delete(doc.uri.toString()));
  }

  /** The analysis of the document's current version (undefined only if the core itself failed). */
  get(doc: vscode.TextDocument): AnalysedDocument | undefined {
    return this.cache.get(doc.uri.toString(), doc.version, () => doc.getText());
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

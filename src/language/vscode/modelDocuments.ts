/** The analysis of open model files, one per document version, shared by all providers and panels. */
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { folderReader } from '../../trainer/datasets/folderReader';
import { weightShapesReader } from '../../weights/weightShapes';
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
    // Only files on disk have a folder that a relative data.path starts from.
    const env = doc.uri.scheme === 'file' ? { folders: folderReader(dirname(doc.uri.fsPath)), weights: weightShapesReader(dirname(doc.uri.fsPath)) } : undefined;
    return this.cache.get(doc.uri.toString(), doc.version, () => doc.getText(), env);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

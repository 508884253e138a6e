/**
 * One analysis per document version, shared by every editor feature: hovers, hints, lenses and the summary
 * panel all ask here, so a keystroke costs one `analyzeModel` however many providers run.
 */
import type { AnalysisEnvironment } from '../model/config/imageFolder';
import { SourceText } from '../model/parse/sourceText';
import type { ModelAnalysis } from '../model/types';

/** An analysed document version with its line index. */
export interface AnalysedDocument {
  version: number;
  analysis: ModelAnalysis;
  src: SourceText;
}

export class AnalysisCache {
  private readonly entries = new Map<string, AnalysedDocument>();

  /**
   * @param analyze the core's `analyzeModel` (documented never to throw; guarded anyway, since an
   *   exception in the extension host would break every feature of the file).
   * @param onError told about any exception instead of it propagating.
   */
  constructor(
    private readonly analyze: (text: string, env?: AnalysisEnvironment) => ModelAnalysis,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /**
   * The analysis of `key` at `version`; `getText` is only called when that version is not cached. `env` (the
   * image folder's listing) is read when the version is analysed: a folder change shows at the next edit.
   */
  get(key: string, version: number, getText: () => string, env?: AnalysisEnvironment): AnalysedDocument | undefined {
    const cached = this.entries.get(key);
    if (cached && cached.version === version) return cached;
    try {
      const text = getText();
      const entry = { version, analysis: this.analyze(text, env), src: new SourceText(text) };
      this.entries.set(key, entry);
      return entry;
    } catch (error) {
      this.onError(error);
      return undefined;
    }
  }

  /** Forgets a closed document. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The analysis of open Python documents, one per version (and per version of the notebook cells above a cell),
 * shared by hover, inlay hints, diagnostics, code actions and CodeLenses. The parser is loaded on the first
 * document that may define a model (one that mentions torch / nn / Module / Sequential); trees are freed when
 * replaced, since tree-sitter keeps them in WebAssembly memory.
 */
import { SourceText } from '../../model/parse/sourceText';
import { analyzePython, type PythonAnalysis } from '../../python/analyzePython';
import type { PythonParser, PyTree } from '../../python/parser';
import { textEdit } from '../../python/textEdit';

export interface PythonSource {
  /** The document's URI as a string. */
  key: string;
  version: number;
  text: string;
}

export interface AnalysedPython {
  analysis: PythonAnalysis;
  src: SourceText;
}

const MAY_DEFINE_MODEL = /\b(nn|torch)\b|Module|Sequential/;
const EMPTY: PythonAnalysis = { models: [], diagnostics: [] };

export class PythonAnalyses {
  private readonly trees = new Map<string, { version: number; text: string; tree: PyTree }>();
  private readonly results = new Map<string, { stamp: string; result: AnalysedPython }>();

  constructor(
    private readonly parser: () => Promise<PythonParser>,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** The analysis of `doc` with the notebook cells above it (none for a file); undefined only after an internal error. */
  async get(doc: PythonSource, earlier: PythonSource[] = []): Promise<AnalysedPython | undefined> {
    const stamp = [doc, ...earlier].map((d) => `${d.key}@${d.version}`).join('|');
    const cached = this.results.get(doc.key);
    if (cached?.stamp === stamp) return cached.result;
    try {
      const result = await this.analyse(doc, earlier);
      this.results.set(doc.key, { stamp, result });
      return result;
    } catch (e) {
      this.onError(e);
      return undefined;
    }
  }

  private async analyse(doc: PythonSource, earlier: PythonSource[]): Promise<AnalysedPython> {
    const src = new SourceText(doc.text);
    if (!MAY_DEFINE_MODEL.test(doc.text)) return { analysis: EMPTY, src };
    const parser = await this.parser();
    const tree = (d: PythonSource) => this.tree(parser, d).rootNode;
    const analysis = analyzePython({ text: doc.text, tree: tree(doc) }, earlier.map((d) => ({ text: d.text, tree: tree(d) })));
    return { analysis, src };
  }

  private tree(parser: PythonParser, doc: PythonSource): PyTree {
    const known = this.trees.get(doc.key);
    if (known?.version === doc.version) return known.tree;
    // The previous version's tree, told what changed, lets the parser redo only the edited region.
    const edit = known ? textEdit(known.text, doc.text) : null;
    if (known && !edit) {
      this.trees.set(doc.key, { ...known, version: doc.version });
      return known.tree;
    }
    if (known && edit) known.tree.edit(edit);
    const tree = parser.parse(doc.text, known?.tree);
    known?.tree.delete();
    this.trees.set(doc.key, { version: doc.version, text: doc.text, tree });
    return tree;
  }

  delete(key: string): void {
    this.trees.get(key)?.tree.delete();
    this.trees.delete(key);
    this.results.delete(key);
  }

  dispose(): void {
    for (const key of [...this.trees.keys()]) this.delete(key);
    this.results.clear();
  }
}

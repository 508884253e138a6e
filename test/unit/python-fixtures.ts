/** The PyTorch corpus under test/fixtures/pytorch, read and analysed as the editor does (shared by the Python tests). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePython, type PythonAnalysis } from '../../src/python/analyzePython';
import { loadPythonParser } from '../../src/python/parser';
import { pythonHas } from '../fixtures/python';

export interface FixtureCase {
  file: string;
  /** Models whose shapes and parameters are checked against torch. */
  torch: string[];
}

/** LeNet lives with the e2e workspace's files (the e2e tests hover it in code-server); paths are relative to FIXTURES. */
export const LENET = '../integration/pytorch-lenet.py';

export const CORPUS: FixtureCase[] = [
  { file: LENET, torch: ['LeNet'] },
  { file: 'course_sequential.py', torch: ['model', 'named_model', 'make_model'] },
  { file: 'alexnet_style.py', torch: ['AlexNet'] },
  { file: 'vgg_style.py', torch: ['SmallVGG'] },
  { file: 'resnet_block.py', torch: ['SmallResNet'] },
  { file: 'unet_fragments.py', torch: ['TinyUNet', 'UpsampleSkip'] },
  { file: 'fashion_notebook.ipynb', torch: ['Net'] },
];

export const FIXTURES = join(__dirname, '..', 'fixtures', 'pytorch');

export const hasTorch = pythonHas('torch');

/** The code cells of a notebook, in order. */
export function notebookCells(path: string): string[] {
  const nb = JSON.parse(readFileSync(path, 'utf8')) as { cells: Array<{ cell_type: string; source: string[] | string }> };
  return nb.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
}

/** A .py file as one document; a notebook as its models' cell, with the cells above it as earlier cells. */
export async function analyzeFixture(c: FixtureCase): Promise<PythonAnalysis> {
  const parser = await loadPythonParser();
  const path = join(FIXTURES, c.file);
  if (!c.file.endsWith('.ipynb')) {
    const text = readFileSync(path, 'utf8');
    return analyzePython({ text, tree: parser.parse(text).rootNode });
  }
  const cells = notebookCells(path).map((text) => ({ text, tree: parser.parse(text).rootNode }));
  const at = cells.findIndex((cell) => /class Net\(/.test(cell.text));
  return analyzePython(cells[at], cells.slice(0, at));
}

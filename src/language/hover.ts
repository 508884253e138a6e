/**
 * Hover content for a position in a model file: a layer (or one of its argument names), a transform, `input`,
 * and the keys and values of the data / train sections. Pure: analysis + text in, markdown out.
 */
import { formatCount, isTaskName, layerAt, mergeAt, rangeContains, TASKS } from '../model';
import { estimateTrainingMemory, memoryBreakdown, memoryLine, memoryRefusal } from '../model/memory/estimate';
import type { SourceText } from '../model/parse/sourceText';
import type { ModelAnalysis, Position, Range } from '../model/types';
import { compressionHover } from './compressionHover';
import { shapeLabel } from './format';
import { keyHoverMarkdown, topLevelKeyDoc } from './keyDocs';
import { mergeHoverMarkdown } from './mergeHover';
import { argumentHoverMarkdown, layerHoverMarkdown } from './layerHover';
import { readLayerSyntax } from './layerSyntax';
import { transformAt, transformHoverMarkdown } from './transformHover';
import { parentKeyByIndent, sectionOf, wordAt } from './yamlContext';

export interface HoverContent {
  markdown: string;
  /** What the hover is about (underlined by the editor). */
  range: Range;
  /** Set when the hover is about a whole layer: its 1-based index (the editor adds "Show feature maps"). */
  layerIndex?: number;
}

/** The hover at `pos`, or undefined when there is nothing useful to say. */
export function hoverAt(analysis: ModelAnalysis, src: SourceText, pos: Position): HoverContent | undefined {
  const layer = layerAt(analysis, pos);
  if (layer) {
    const syntax = readLayerSyntax(src, layer.range);
    const arg = syntax?.args.find((a) => a.nameRange && a.name && rangeContains(a.nameRange, pos));
    if (arg?.name && arg.nameRange) {
      const markdown = argumentHoverMarkdown(layer.type, arg.name, layer);
      if (markdown) return { markdown, range: arg.nameRange };
    }
    const compression = compressionHover(analysis, layer);
    return { markdown: layerHoverMarkdown(layer) + (compression ? `\n\n${compression}` : ''), range: layer.range, layerIndex: layer.index };
  }
  const merge = mergeAt(analysis, pos);
  if (merge) return { markdown: mergeHoverMarkdown(merge), range: merge.range };
  const transform = transformAt(analysis.pipeline, pos);
  if (transform?.step.range) return { markdown: transformHoverMarkdown(transform.step, transform.index, transform.split), range: transform.step.range };
  return keyHover(analysis, src, pos);
}

function keyHover(analysis: ModelAnalysis, src: SourceText, pos: Position): HoverContent | undefined {
  const line = src.lineText(pos.line);
  const word = wordAt(line, pos.character, parentKeyByIndent(src, pos.line));
  if (!word) return undefined;
  const range = { start: { line: pos.line, character: word.start }, end: { line: pos.line, character: word.end } };
  const section = sectionOf(src, pos.line);
  if (section === 'task') {
    const doc = word.role === 'key' ? topLevelKeyDoc(section) : isTaskName(word.word) ? `**task: ${word.word}** — ${TASKS[word.word].doc}` : undefined;
    const markdown = [doc, compressionHover(analysis)].filter(Boolean).join('\n\n');
    return markdown ? { markdown, range } : undefined;
  }
  if (word.role === 'key' && word.word === section && /^\S/.test(line)) {
    if (section === 'input') return { markdown: inputHoverMarkdown(analysis), range };
    const doc = topLevelKeyDoc(section);
    return doc ? { markdown: doc, range } : undefined;
  }
  if (section === 'data' || section === 'train') {
    const markdown = keyHoverMarkdown(section, word);
    const aboutBatch = section === 'train' && (word.role === 'key' ? word.word : word.key) === 'batch_size';
    const memory = aboutBatch && analysis.layers.length ? `\n\n${trainingMemoryMarkdown(analysis)}` : '';
    return markdown ? { markdown: markdown + memory, range } : undefined;
  }
  return undefined;
}

/** The training-memory estimate at the file's batch size, on the wasm engine and on native TensorFlow. */
export function trainingMemoryMarkdown(analysis: ModelAnalysis): string {
  const wasm = estimateTrainingMemory(analysis, { backend: 'wasm' });
  const native = estimateTrainingMemory(analysis, { backend: 'native' });
  return [
    `**Training memory** ${memoryLine(wasm)}`,
    `_${memoryBreakdown(wasm)}_`,
    `Native TensorFlow: ${memoryLine(native)}`,
    wasm.fits ? '' : memoryRefusal(wasm, analysis.name) ?? '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** What `input` means, with the numbers of this model. */
export function inputHoverMarkdown(analysis: ModelAnalysis): string {
  const [c, h, w] = analysis.input;
  const size = analysis.input.reduce((a, b) => a * b, 1);
  const meaning =
    analysis.input.length === 3
      ? `one sample is ${c} channel${c === 1 ? '' : 's'} × ${h} × ${w} pixels (PyTorch order C×H×W)`
      : `one sample is a vector of ${formatCount(size)} features`;
  return [
    `**input** \`${shapeLabel(analysis.input)}\``,
    `The shape of one sample, without the batch dimension: ${meaning}; ${formatCount(size)} values. ` +
      'A batch adds a leading N dimension. Every layer\'s shape is inferred from it.',
    analysis.layers.length ? `Output of the network: \`${shapeLabel(analysis.outputShape)}\`` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

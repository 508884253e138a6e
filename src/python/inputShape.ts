/**
 * Where a PyTorch model's input shape comes from, since the code never says it: a `# cnnlab: input [1, 28, 28]`
 * comment on (or just above) the class or the nn.Sequential, else a torchvision dataset built in the file or an
 * earlier notebook cell (MNIST-like sets 1×28×28, CIFAR/SVHN 3×32×32, STL10 3×96×96), resized or cropped by the
 * Resize / CenterCrop / RandomCrop / RandomResizedCrop / Grayscale of its `transform=` Compose.
 */
import type { SourceText } from '../model/parse/sourceText';
import type { Range, Shape } from '../model/types';
import { evaluateConstant, isUnknown } from './constants';
import type { PyNode } from './parser';
import { callParts, dottedName, field, named, unwrap } from './syntax';

export interface InputShape {
  shape: Shape;
  /** Where it was read, for hovers: "the cnnlab comment", "datasets.MNIST(…) in an earlier cell". */
  source: string;
  /** The comment, when it came from one (a fix or the CodeLens rewrites it). */
  range?: Range;
  /** CNN Lab's name of the dataset it came from, when CNN Lab trains on it (`data.dataset` of a model file). */
  dataset?: string;
}

export const INPUT_COMMENT = /#\s*cnnlab:\s*input\b\s*[:=]?\s*(.*)$/i;

/** The comment on the definition's first line or in the comment lines right above it. */
export function commentInput(src: SourceText, firstLine: number): InputShape | { error: string; range: Range } | undefined {
  for (let line = firstLine; line >= 0; line--) {
    const text = src.lineText(line);
    if (line < firstLine && !/^\s*(#|@)/.test(text)) break;
    const m = INPUT_COMMENT.exec(text);
    if (!m) continue;
    const at = text.indexOf('#');
    const range = { start: { line, character: at }, end: { line, character: text.length } };
    const shape = parseShape(m[1]);
    if (!shape) return { error: `The cnnlab comment needs the shape of one input: \`# cnnlab: input [channels, height, width]\` (or [features]), got \`${m[1].trim()}\``, range };
    return { shape, source: 'the `# cnnlab: input` comment', range };
  }
  return undefined;
}

export function parseShape(text: string): Shape | undefined {
  const m = /^[[(]\s*([\d\s,]+?)\s*,?\s*[\])]/.exec(text.trim());
  if (!m) return undefined;
  const dims = m[1].split(',').map((d) => Number(d.trim()));
  const ok = (dims.length === 3 || dims.length === 1) && dims.every((d) => Number.isInteger(d) && d > 0 && d <= 1e6);
  return ok ? dims : undefined;
}

/** `# cnnlab: input [C, H, W]`: the text the CodeLens writes. */
export function inputComment(shape: Shape): string {
  return `# cnnlab: input [${shape.join(', ')}]`;
}

const DATASET_SHAPES: Record<string, Shape> = {
  MNIST: [1, 28, 28], FashionMNIST: [1, 28, 28], KMNIST: [1, 28, 28], QMNIST: [1, 28, 28], EMNIST: [1, 28, 28],
  CIFAR10: [3, 32, 32], CIFAR100: [3, 32, 32], SVHN: [3, 32, 32], STL10: [3, 96, 96],
};

/** torchvision's dataset classes CNN Lab has a loader for, by its `data.dataset` name. */
const CNNLAB_DATASETS: Record<string, string> = { MNIST: 'mnist', FashionMNIST: 'fashion-mnist', CIFAR10: 'cifar10' };

/** The dataset names recognised (for the docs). */
export const RECOGNISED_DATASETS = Object.keys(DATASET_SHAPES);

export interface CodeText {
  tree: PyNode;
  /** "this file", "an earlier cell". */
  where: string;
}

/**
 * The input of the datasets built in these texts, when they agree: undefined when there is none, or when two
 * differ (which one the model gets is then not obvious).
 */
export function datasetInput(texts: CodeText[]): InputShape | undefined {
  const found: InputShape[] = [];
  for (const { tree, where } of texts) {
    for (const call of tree.descendantsOfType('call')) {
      const path = call && dottedName(field(call, 'function')!);
      const name = path?.[path.length - 1];
      if (!call || !name || !DATASET_SHAPES[name]) continue;
      const shape = transformed(DATASET_SHAPES[name], callParts(call)?.keywords.find((k) => k.name === 'transform')?.value, texts);
      const dataset = CNNLAB_DATASETS[name] && shape.join() === DATASET_SHAPES[name].join() ? { dataset: CNNLAB_DATASETS[name] } : {};
      found.push({ shape, source: `\`${path!.join('.')}(…)\` in ${where}`, ...dataset });
    }
  }
  if (!found.length || found.some((f) => f.shape.join() !== found[0].shape.join())) return undefined;
  return found[0];
}

/** The dataset's images after its Compose: sizes from Resize/crops, channels from Grayscale. */
function transformed(shape: Shape, transform: PyNode | undefined, texts: CodeText[]): Shape {
  let [c, h, w] = shape;
  const compose = transform && resolveName(unwrap(transform), texts);
  const steps = compose?.type === 'call' ? named(unwrap(named(field(compose, 'arguments'))[0] ?? compose)) : [];
  for (const step of steps.map(unwrap)) {
    if (step.type !== 'call') continue;
    const name = dottedName(field(step, 'function')!)?.at(-1);
    const parts = callParts(step);
    const first = parts?.positional[0] ?? parts?.keywords.find((k) => k.name === 'size' || k.name === 'num_output_channels')?.value;
    const value = first ? evaluateConstant(first, { constant: () => undefined }) : name === 'Grayscale' ? 1 : undefined;
    if (value === undefined || isUnknown(value)) continue;
    if (name && ['Resize', 'CenterCrop', 'RandomCrop', 'RandomResizedCrop'].includes(name)) {
      if (typeof value === 'number') [h, w] = [value, value];
      else if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) [h, w] = value as number[];
    } else if (name === 'Grayscale' && typeof value === 'number') c = value;
  }
  return [c, h, w];
}

/** A name assigned at the top level of one of the texts (`transform = transforms.Compose(…)`), else the node. */
function resolveName(node: PyNode, texts: CodeText[]): PyNode {
  if (node.type !== 'identifier') return node;
  for (const { tree } of [...texts].reverse()) {
    for (const s of named(tree)) {
      const e = s.type === 'expression_statement' ? named(s)[0] : undefined;
      if (e?.type === 'assignment' && field(e, 'left')?.text === node.text && field(e, 'right')) return unwrap(field(e, 'right')!);
    }
  }
  return node;
}

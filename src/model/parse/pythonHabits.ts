/**
 * Lines pasted from a course's PyTorch `forward()` rather than its layer list: `F.relu(x)`, `F.max_pool2d(x, 2)`,
 * `x.view(-1, 800)`, `torch.flatten(x, 1)`, `x = ...` / `self.fc1 = ...` assignments. Each is recognised as the
 * layer it stands for, so the model still analyses, and explained with a fix that writes that layer.
 */
import type { Span } from './pyCall';

export interface PythonHabit {
  /** The layer the text stands for, in call syntax: `ReLU()`, `MaxPool2d(2)`, `Flatten()`. */
  layerText: string;
  message: string;
  /** The part of the text the fix replaces (the whole statement, without surrounding blanks). */
  span: Span;
}

/** torch.nn.functional (and torch.*) names → the layer class doing the same. */
export const FUNCTIONAL_LAYERS: Record<string, string> = {
  relu: 'ReLU', relu6: 'ReLU6', leaky_relu: 'LeakyReLU', elu: 'ELU', gelu: 'GELU', silu: 'SiLU', mish: 'Mish',
  hardswish: 'Hardswish', hardsigmoid: 'Hardsigmoid', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax',
  log_softmax: 'LogSoftmax', max_pool2d: 'MaxPool2d', avg_pool2d: 'AvgPool2d', adaptive_avg_pool2d: 'AdaptiveAvgPool2d',
  adaptive_max_pool2d: 'AdaptiveMaxPool2d', dropout: 'Dropout', dropout2d: 'Dropout2d', prelu: 'PReLU',
};

/** Keywords of the functional forms that modules do not take (the module knows whether it is training). */
export const FUNCTIONAL_ONLY = new Set(['training', 'input', '_stacklevel', 'dtype']);

const ASSIGNMENT = /^([A-Za-z_][\w.]*)\s*=(?!=)\s*/;
const FUNCTIONAL = /^(?:torch\.nn\.functional|nn\.functional|F|torch)\.(\w+)\s*\(([\s\S]*)\)$/;
const RESHAPE = /^[A-Za-z_][\w.]*\.(view|reshape|flatten)\s*\(([\s\S]*)\)$/;

/** The habit in one layer item's text, if it is one. */
export function recognizeHabit(text: string): PythonHabit | undefined {
  const start = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const span = { start, end: start + trimmed.length };
  const assigned = ASSIGNMENT.exec(trimmed);
  const statement = assigned ? trimmed.slice(assigned[0].length) : trimmed;
  const functional = FUNCTIONAL.exec(statement);
  if (functional && (functional[1] === 'flatten' || FUNCTIONAL_LAYERS[functional[1]])) {
    const [, fn, inner] = functional;
    const written = statement.slice(0, statement.indexOf('('));
    if (fn === 'flatten') return flattenHabit(`${written}(…)`, span);
    const layer = FUNCTIONAL_LAYERS[fn];
    const args = splitArguments(inner).map((a) => a.text);
    // The first positional argument is the tensor (x, self.conv1(x)): the module receives it from the layer above.
    const kept = args.slice(isTensorArgument(args[0]) ? 1 : 0).filter((a) => !FUNCTIONAL_ONLY.has(a.split('=')[0].trim()));
    const layerText = `${layer}(${kept.join(', ')})`;
    return { layerText, span, message: `${written} is the functional form of ${layer}: a model file lists layers, so write ${layerText}` };
  }
  const reshape = RESHAPE.exec(statement);
  if (reshape) return flattenHabit(`${statement.slice(0, statement.indexOf('('))}(…)`, span);
  if (assigned && /^(?:torch\.)?(?:nn\.)?[A-Z]\w*\s*\(/.test(statement)) {
    return { layerText: statement, span, message: `Write the layer alone, without '${assigned[1]} =': a model file lists layers in order` };
  }
  return undefined;
}

function flattenHabit(written: string, span: Span): PythonHabit {
  return { layerText: 'Flatten()', span, message: `${written} reshapes the feature maps into one vector per image: in a model file the layer Flatten() does this (and works out the size)` };
}

/** A first argument that is not a Python literal (a variable or an expression on one) is the input tensor. */
function isTensorArgument(arg: string | undefined): boolean {
  return arg !== undefined && /^[A-Za-z_]/.test(arg) && !arg.includes('=') && !/^(True|False|None)$/.test(arg);
}

/** Splits call arguments at the commas outside brackets and strings: trimmed pieces with their offsets. */
export function splitArguments(text: string): Array<{ text: string; start: number }> {
  const parts: Array<{ text: string; start: number }> = [];
  let depth = 0;
  let quote = '';
  let from = 0;
  const push = (end: number) => {
    const raw = text.slice(from, end);
    const piece = raw.trim();
    if (piece) parts.push({ text: piece, start: from + raw.length - raw.trimStart().length });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      push(i);
      from = i + 1;
    }
  }
  push(text.length);
  return parts;
}

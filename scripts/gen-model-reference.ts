/**
 * Writes docs/model-file.md, the model file reference for users, from the core's own catalogs (MODEL_KEYS,
 * LAYER_CATALOG, DATA_KEYS, TRAIN_KEYS, DATASET_INFO) and from analyses of small examples, so the reference
 * cannot drift from what the core accepts. `npm run docs` rewrites it; test/unit/docs.test.ts fails when stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  analyzeModel, DATA_KEYS, DATASET_INFO, explainLayer, formatShape, LAYER_CATALOG, LAYER_TYPES, LOADABLE_CHANNELS, MODEL_KEYS, SHAPES_MIN_SIZE, TRAIN_KEYS,
  type ArgSignature, type ConfigValue, type KeyDoc, type LayerFamily, type LayerType, type SectionSchema, type Severity, type Shape,
} from '../src/model';
import { MAX_LAYERS } from '../src/model/infer/walk';
import { boundsText } from '../src/model/layers/argDocs';
import { formatPy } from '../src/model/layers/formatPy';
import { MAX_REPEAT } from '../src/model/parse/layerItems';
import { DIAGNOSTIC_DOCS } from './model-reference/diagnostics';

/** Where `npm run docs` writes the reference. */
export const REFERENCE_PATH = join(__dirname, '..', 'docs', 'model-file.md');

/** The prose, with {{PLACEHOLDERS}} for everything that comes from the core. */
const GUIDE_PATH = join(__dirname, 'model-reference', 'guide.md');

/** Markdown table; pipes inside cells are escaped so `int | tuple` stays in its column. */
function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

const tick = (s: string) => `\`${s}\``;

// ---- layers --------------------------------------------------------------------------------------------

const FAMILY_TITLES: Record<LayerFamily, string> = {
  conv: 'Convolutions',
  pool: 'Pooling',
  norm: 'Normalisation',
  activation: 'Activations',
  linear: 'Classifier head and bottlenecks: Flatten, Unflatten, Linear, Dropout',
  upsample: 'Upsampling',
};
const FAMILY_ORDER: LayerFamily[] = ['conv', 'pool', 'norm', 'activation', 'linear', 'upsample'];

/** The general formulas, in torch's notation (the worked examples below them are computed by the core). */
interface LayerFormulas {
  shape: string;
  params: string;
}
const unchanged: LayerFormulas = { shape: 'unchanged', params: '0 (no weights)' };
const POOL_SHAPE = 'H_out = ⌊(H + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1 (⌈…⌉ with ceil_mode=True); same for W; channels unchanged';
const FORMULAS: Record<LayerType, LayerFormulas> = {
  Conv2d: {
    shape: "[in_channels, H, W] → [out_channels, H_out, W_out] with H_out = ⌊(H + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1, same for W; padding='same' keeps H and W",
    params: 'out_channels · (in_channels / groups · k_h · k_w + 1); without the + 1 when bias=False',
  },
  ConvTranspose2d: {
    shape: '[in_channels, H, W] → [out_channels, H_out, W_out] with H_out = (H − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1, same for W',
    params: 'in_channels · out_channels / groups · k_h · k_w + out_channels (the last term only with bias=True)',
  },
  MaxPool2d: { shape: POOL_SHAPE, params: '0 (no weights)' },
  AvgPool2d: { shape: POOL_SHAPE.replace('dilation·(kernel_size − 1) − 1', 'kernel_size'), params: '0 (no weights)' },
  AdaptiveAvgPool2d: { shape: '[C, H, W] → [C, output_size]; None in output_size keeps that input size', params: '0 (no weights)' },
  AdaptiveMaxPool2d: { shape: '[C, H, W] → [C, output_size]; None in output_size keeps that input size', params: '0 (no weights)' },
  BatchNorm2d: { shape: 'unchanged ([C, H, W])', params: '2 · num_features (γ, β) with affine=True; plus 2 · num_features + 1 buffers (running mean, variance, batch count), not trained' },
  BatchNorm1d: { shape: 'unchanged ([C] or [C, L])', params: '2 · num_features (γ, β) with affine=True; plus 2 · num_features + 1 buffers (running mean, variance, batch count), not trained' },
  Dropout: unchanged,
  Dropout2d: unchanged,
  ReLU: unchanged,
  LeakyReLU: unchanged,
  ELU: unchanged,
  ReLU6: unchanged,
  GELU: unchanged,
  SiLU: unchanged,
  Mish: unchanged,
  Hardswish: unchanged,
  Hardsigmoid: unchanged,
  PReLU: { shape: 'unchanged', params: 'num_parameters (1, or one slope per channel)' },
  Sigmoid: unchanged,
  Tanh: unchanged,
  Softmax: unchanged,
  LogSoftmax: unchanged,
  Flatten: { shape: '[C, H, W] → [C·H·W] (dimensions start_dim … end_dim are multiplied together; the batch dimension 0 is kept)', params: '0 (a reshape)' },
  Unflatten: { shape: '[F] → [s₁, s₂, …] with s₁·s₂·… = F (dimension dim is split; the batch dimension 0 is kept)', params: '0 (a reshape)' },
  Linear: { shape: '[in_features] → [out_features]', params: 'out_features · (in_features + 1); out_features · in_features when bias=False' },
  Upsample: { shape: '[C, H, W] → [C, size] or [C, ⌊H · scale_factor⌋, ⌊W · scale_factor⌋]', params: '0 (no weights)' },
  SqueezeExcitation: { shape: 'unchanged (each channel multiplied by its gate)', params: 'fc1 S·(C + 1) + fc2 C·(S + 1)' },
  StochasticDepth: unchanged,
  DetectionHead: { shape: '[in_channels, H, W] → [num_classes + 5, H, W] (class logits, l t r b distances in strides, centre-ness logit per location)', params: '(num_classes + 5) · (in_channels · 9 + 1)' },
};

/** One small, valid use of each layer, analysed by the core to produce the worked example. */
const EXAMPLES: Record<LayerType, { input: Shape; call: string }> = {
  Conv2d: { input: [3, 32, 32], call: 'Conv2d(3, 16, 3, padding=1)' },
  ConvTranspose2d: { input: [16, 7, 7], call: 'ConvTranspose2d(16, 8, 2, stride=2)' },
  MaxPool2d: { input: [16, 28, 28], call: 'MaxPool2d(2)' },
  AvgPool2d: { input: [6, 10, 10], call: 'AvgPool2d(2)' },
  AdaptiveAvgPool2d: { input: [64, 8, 8], call: 'AdaptiveAvgPool2d(1)' },
  AdaptiveMaxPool2d: { input: [64, 7, 7], call: 'AdaptiveMaxPool2d((2, 2))' },
  BatchNorm2d: { input: [32, 14, 14], call: 'BatchNorm2d(32)' },
  BatchNorm1d: { input: [256], call: 'BatchNorm1d(256)' },
  Dropout: { input: [128], call: 'Dropout(0.5)' },
  Dropout2d: { input: [32, 14, 14], call: 'Dropout2d(0.1)' },
  ReLU: { input: [16, 28, 28], call: 'ReLU()' },
  LeakyReLU: { input: [16, 28, 28], call: 'LeakyReLU(0.1)' },
  ELU: { input: [16, 28, 28], call: 'ELU()' },
  ReLU6: { input: [32, 56, 56], call: 'ReLU6()' },
  GELU: { input: [64, 14, 14], call: 'GELU()' },
  SiLU: { input: [32, 28, 28], call: 'SiLU()' },
  Mish: { input: [32, 28, 28], call: 'Mish()' },
  Hardswish: { input: [16, 56, 56], call: 'Hardswish()' },
  Hardsigmoid: { input: [16, 1, 1], call: 'Hardsigmoid()' },
  PReLU: { input: [16, 28, 28], call: 'PReLU(16)' },
  Sigmoid: { input: [1], call: 'Sigmoid()' },
  Tanh: { input: [120], call: 'Tanh()' },
  Softmax: { input: [10], call: 'Softmax(dim=1)' },
  LogSoftmax: { input: [10], call: 'LogSoftmax(dim=1)' },
  Flatten: { input: [32, 7, 7], call: 'Flatten()' },
  Unflatten: { input: [1568], call: 'Unflatten(1, (32, 7, 7))' },
  Linear: { input: [1568], call: 'Linear(1568, 128)' },
  Upsample: { input: [8, 7, 7], call: 'Upsample(scale_factor=2)' },
  SqueezeExcitation: { input: [96, 14, 14], call: 'SqueezeExcitation(96, 24, activation="SiLU")' },
  StochasticDepth: { input: [40, 28, 28], call: 'StochasticDepth(0.1, "row")' },
  DetectionHead: { input: [32, 8, 8], call: 'DetectionHead(32, 5)' },
};

/** Layers that are not torch.nn modules: where their PyTorch twin lives (DetectionHead: the nn.Conv2d subclass model.py defines). */
const TORCH_HOME: Partial<Record<LayerType, string>> = {
  DetectionHead: 'model.py: ',
};

function torchSignature(type: LayerType): string {
  const args = LAYER_CATALOG[type].args.map((a) => (a.default === undefined ? a.name : `${a.name}=${formatPy(a.default)}`));
  return `${TORCH_HOME[type] ?? 'torch.nn.'}${type}(${args.join(', ')})`;
}

/** Bounds of a data/train key ("2 to 10", "≥ 1"); layer arguments use the core's boundsText. */
function bounds(min: number | undefined, max: number | undefined): string {
  if (min === undefined && max === undefined) return '';
  if (max === undefined) return `≥ ${min}`;
  if (min === undefined) return `≤ ${max}`;
  return `${min} to ${max}`;
}

function argRow(a: ArgSignature): string[] {
  const def = a.required ? (a.inferred ? 'inferred if omitted' : 'required') : formatPy(a.default ?? null);
  const notes = [
    a.values && a.values.length > 1 ? `Allowed: ${a.values.map((v) => `'${v}'`).join(', ')}.` : '',
    boundsText(a) ? `Range: ${boundsText(a)}.` : '',
    a.onlySupported !== undefined ? `Must be ${formatPy(a.onlySupported)}.` : '',
  ].filter(Boolean);
  return [tick(a.name), tick(a.pyType), def, [a.doc, ...notes].join(' ')];
}

/** Analyses the layer's example and returns its formulas; a broken example is a bug in this script. */
function workedExample(type: LayerType): string[] {
  const { input, call } = EXAMPLES[type];
  const analysis = analyzeModel(`input: ${formatShape(input)}\nlayers:\n  - ${call}\n`);
  // A one-layer Softmax "model" would be trained with cross_entropy: that warning is about models, not the layer.
  const problems = analysis.diagnostics.filter((d) => d.severity !== 'info' && d.code !== 'double-softmax');
  const layer = analysis.layers[0];
  if (problems.length || !layer) throw new Error(`The ${type} example does not analyse cleanly: ${problems.map((d) => d.message).join('; ')}`);
  const e = explainLayer(layer);
  return [
    `Example: ${tick(call)} on ${tick(formatShape(input))} → ${tick(formatShape(layer.outputShape))}`,
    '',
    `- shape: ${e.shapeFormulas.join('; ')}`,
    `- parameters: ${e.paramsFormula}`,
    ...(e.macsFormula ? [`- multiply-adds per image: ${e.macsFormula}`] : []),
  ];
}

function layerSection(type: LayerType): string[] {
  const sig = LAYER_CATALOG[type];
  return [
    `#### ${type}`,
    '',
    sig.doc,
    '',
    '```python',
    torchSignature(type),
    '```',
    '',
    ...(sig.args.length ? [table(['Argument', 'Type', 'Default', 'Meaning'], sig.args.map(argRow)), ''] : ['No arguments.', '']),
    `**Output shape:** ${FORMULAS[type].shape}.`,
    '',
    `**Parameters:** ${FORMULAS[type].params}.`,
    '',
    ...workedExample(type),
    '',
  ];
}

/** "- `in_channels`: Conv2d, ConvTranspose2d" for every argument the core infers. */
function inferredList(): string {
  const byArg = new Map<string, LayerType[]>();
  for (const type of LAYER_TYPES) {
    for (const a of LAYER_CATALOG[type].args) if (a.inferred) byArg.set(a.name, [...(byArg.get(a.name) ?? []), type]);
  }
  return [...byArg].map(([name, types]) => `- ${tick(name)}: ${types.join(', ')}`).join('\n');
}

function layersReference(): string[] {
  const out = ['## Layer reference', '', 'Every layer keeps torch.nn\'s name, argument order and defaults. Arguments marked "inferred if omitted" may be left out: CNN Lab reads them from the incoming tensor (and checks them when you write them).', ''];
  for (const family of FAMILY_ORDER) {
    out.push(`### ${FAMILY_TITLES[family]}`, '');
    for (const type of LAYER_TYPES.filter((t) => LAYER_CATALOG[t].family === family)) out.push(...layerSection(type));
  }
  return out;
}

// ---- data and train sections ---------------------------------------------------------------------------

function formatConfig(v: ConfigValue): string {
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function typeText(doc: KeyDoc): string {
  const range = bounds(doc.min, doc.max);
  const base = {
    enum: `one of ${(doc.values ?? []).map(tick).join(', ')}`,
    number: 'number', int: 'integer', bool: '`true` / `false`', string: 'text',
    numbers: 'list of numbers', pair: 'pair `[a, b]`', object: 'mapping', labels: 'list of class names or indices', pipeline: 'list of transforms', layers: 'module names, `{until: NAME}` or `all`', stages: 'list of `{epochs, lr, freeze, unfreeze}`', multipliers: 'mapping of module names to factors',
  }[doc.type];
  return range ? `${base} (${range})` : base;
}

/** One row per key, nested keys as `parent.child`. */
function keyRows(schema: SectionSchema, prefix = ''): string[][] {
  return Object.entries(schema).flatMap(([key, doc]) => {
    const def = doc.default !== undefined ? tick(formatConfig(doc.default)) : doc.required ? 'required' : '—';
    const row = [tick(prefix + key), typeText(doc), def, doc.doc];
    return [row, ...(doc.keys ? keyRows(doc.keys, `${prefix}${key}.`) : [])];
  });
}

function datasetsTable(): string {
  const rows = Object.entries(DATASET_INFO).map(([name, info]) => [
    tick(name),
    info.shape ? info.shape.join('×') : 'yours',
    info.classes ? `${info.classes.length}: ${info.classes.join(', ')}` : 'one per sub-folder',
    info.doc,
  ]);
  return table(['dataset', 'Images (C×H×W)', 'Classes', 'About'], rows);
}

function topLevelTable(): string {
  const required = new Set(['input', 'layers']);
  return table(['Key', 'Required', 'Meaning'], Object.entries(MODEL_KEYS).map(([k, doc]) => [tick(k), required.has(k) ? 'yes' : 'no', doc]));
}

// ---- diagnostics ---------------------------------------------------------------------------------------

const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'info'];

function diagnosticsTable(): string {
  const rows = DIAGNOSTIC_DOCS.map((d) => [tick(d.code), SEVERITY_ORDER.filter((s) => d.severities.includes(s)).join(' / '), d.meaning]);
  return table(['Code', 'Severity', 'Meaning'], rows);
}

/** A real message from the core, so the example in the text is exactly what the editor shows. */
function sampleDiagnostic(): string {
  const text = 'input: [1, 28, 28]\nlayers:\n  - Conv2d(1, 8, 3, padding=1)\n  - MaxPool2d(2)\n  - Linear(1568, 10)\n';
  const d = analyzeModel(text).diagnostics.find((x) => x.severity === 'error');
  if (!d) throw new Error('The sample mistake no longer produces an error');
  return ['```text', text.trimEnd(), '```', '', `is underlined at line ${d.range.start.line + 1} with ${tick(d.code)}:`, '', `> ${d.message}`].join('\n');
}

// ---- assembly ------------------------------------------------------------------------------------------

/** The whole reference as Markdown (reads the prose template, writes nothing). */
export function renderModelReference(): string {
  const fill: Record<string, () => string> = {
    TOP_LEVEL_KEYS: topLevelTable,
    INFERRED: inferredList,
    MAX_REPEAT: () => String(MAX_REPEAT),
    MAX_LAYERS: () => MAX_LAYERS.toLocaleString('en-US'),
    LAYERS: () => layersReference().join('\n').trimEnd(),
    DATASETS: datasetsTable,
    LOADABLE_CHANNELS: () => LOADABLE_CHANNELS.join(' or '),
    SHAPES_MIN_SIZE: () => String(SHAPES_MIN_SIZE),
    DATA_KEYS: () => table(['Key', 'Type', 'Default', 'Meaning'], keyRows(DATA_KEYS)),
    TRAIN_KEYS: () => table(['Key', 'Type', 'Default', 'Meaning'], keyRows(TRAIN_KEYS)),
    DIAGNOSTICS: diagnosticsTable,
    SAMPLE_DIAGNOSTIC: sampleDiagnostic,
  };
  const body = readFileSync(GUIDE_PATH, 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const make = fill[name];
    if (!make) throw new Error(`guide.md uses an unknown placeholder {{${name}}}`);
    return make();
  });
  return `${body.trim()}\n`;
}

if (require.main === module) {
  mkdirSync(dirname(REFERENCE_PATH), { recursive: true });
  writeFileSync(REFERENCE_PATH, renderModelReference());
  console.log(`Wrote ${REFERENCE_PATH}`);
}

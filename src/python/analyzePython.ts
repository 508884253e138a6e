/**
 * analyzePython: a Python file or notebook cell (already parsed) → its model definitions, each run through the
 * model core exactly as a `*.cnn.yaml` file is (layers, shapes, formulas, diagnostics), with ranges in the Python
 * text. Earlier notebook cells lend their classes, constants and datasets. Pure: no vscode.
 */
import { analyzeItems, type ItemsAnalysis } from '../model/analyzeItems';
import { SourceText } from '../model/parse/sourceText';
import type { ItemSpec } from '../model/spec';
import type { Diagnostic } from '../model/types';
import { inOtherCell, localMessage, OtherCellText } from './cellText';
import { findModels, moduleClasses, type ModelDefinition } from './findModels';
import { ForwardTracer, Stop, type TracedStatement, type ViewCheck } from './forwardTrace';
import { GraphBuilder } from './graphBuilder';
import type { LayerUse } from './graphBuilder';
import { commentInput, datasetInput, type InputShape } from './inputShape';
import { bindParameters, runInit } from './moduleClass';
import { evaluateValue, Scope, type Note, type Program } from './moduleValues';
import type { PyNode } from './parser';
import { pythonFixes } from './pythonFixes';
import { field, named, rangeOf } from './syntax';

export interface PythonText {
  text: string;
  tree: PyNode;
}

export interface PyModel {
  definition: ModelDefinition;
  input?: InputShape;
  /** The core's analysis, when the input is known. */
  analysis?: ItemsAnalysis;
  items: ItemSpec[];
  /** Calls in forward that apply a layer (`self.conv1(x)`). */
  uses: LayerUse[];
  /** Forward statements with the tensor they assign. */
  statements: TracedStatement[];
  /** Whether the whole definition was understood (no note on something CNN Lab could not follow). */
  followed: boolean;
}

export interface PythonAnalysis {
  models: PyModel[];
  diagnostics: Diagnostic[];
}

/** Codes of the diagnostics only Python code gets. */
export const PYTHON_CODES = {
  notStatic: 'python-not-static',
  viewSize: 'python-view-size',
  inputComment: 'python-input-comment',
} as const;

export function analyzePython(doc: PythonText, earlierCells: PythonText[] = []): PythonAnalysis {
  const src = new SourceText(doc.text);
  const program: Program = { src, classes: new Map(), notes: [], depth: 0 };
  const moduleScope = new Scope(program, src);
  const known = new Set<string>();
  const texts = [...earlierCells.map((c, i) => ({ ...c, src: new OtherCellText(c.text, i) })), { ...doc, src }];
  let classes: PyNode[] = [];
  for (const t of texts) {
    const cellScope = new Scope(program, t.src, moduleScope);
    classes = moduleClasses(t.tree, known);
    for (const cls of classes) program.classes.set(field(cls, 'name')!.text, { node: cls, scope: cellScope });
    bindTopLevel(t.tree, t.src, moduleScope);
  }
  const dataset = datasetInput(texts.map((t, i) => ({ tree: t.tree, where: i === texts.length - 1 ? 'this file' : 'an earlier cell' })));
  const diagnostics: Diagnostic[] = [];
  const models = findModels(doc.tree, src, classes).map((definition) => {
    const comment = commentInput(src, definition.firstLine);
    if (comment && 'error' in comment) diagnostics.push({ severity: 'warning', code: PYTHON_CODES.inputComment, message: comment.error, range: comment.range });
    const input = comment && !('error' in comment) ? comment : definition.standalone ? dataset : undefined;
    const model: PyModel = { definition, ...(input ? { input } : {}), items: [], uses: [], statements: [], followed: false };
    if (input) analyzeModel(model, input, program, moduleScope, diagnostics);
    return model;
  });
  return { models, diagnostics: dedupe(diagnostics) };
}

/** Top-level `NAME = expr` of a text: evaluated on first use (constants, and modules assigned to names). */
function bindTopLevel(tree: PyNode, src: SourceText, scope: Scope): void {
  for (const s of named(tree)) {
    const e = s.type === 'expression_statement' ? named(s)[0] : undefined;
    const target = e?.type === 'assignment' ? field(e, 'left') : undefined;
    const right = e && field(e, 'right');
    if (target?.type === 'identifier' && right) scope.setLazy(target.text, right, src);
  }
}

function analyzeModel(model: PyModel, input: InputShape, program: Program, moduleScope: Scope, out: Diagnostic[]): void {
  const { definition } = model;
  const notes: Note[] = [];
  program.notes = notes;
  const graph = new GraphBuilder(definition.nameRange);
  const tracer = new ForwardTracer(graph);
  let stop: Stop | undefined;
  if (definition.kind === 'class') {
    const instance = runInit(definition.name, definition.node, moduleScope, undefined, undefined);
    const forward = instance.kind === 'instance' ? instance.forward : undefined;
    const r = forward && instance.kind === 'instance' ? tracer.forward(forward, instance.scope, [graph.input], true) : undefined;
    stop = r?.stop;
  } else {
    // `def make_model(num_classes=10): return nn.Sequential(…)`: the function's defaults are in scope.
    const def = definition.node.parent?.type === 'return_statement' ? enclosingFunction(definition.node) : undefined;
    const scope = def ? new Scope(program, program.src, moduleScope) : moduleScope;
    if (def) bindParameters(definition.name, def, scope, undefined, undefined, 0);
    const value = evaluateValue(definition.node, scope);
    const r = value.kind === 'module' ? tracer.apply(value.module, graph.input, definition.node, scope, definition.name, false) : new Stop(definition.node, value.kind === 'unknown' ? value.why : 'not a module');
    if (r instanceof Stop) stop = r;
  }
  const src = program.src;
  const analysis = analyzeItems(graph.items, input.shape, src);
  model.analysis = analysis;
  model.items = graph.items;
  model.uses = graph.uses;
  model.statements = tracer.statements;
  // One note per model: the first thing not understood is why the shapes stop there.
  const why = notes[0] ?? (stop ? { range: rangeOf(src, stop.node), message: `Shapes stop here: ${stop.why}` } : undefined);
  model.followed = !why;
  if (why) out.push({ severity: 'info', code: PYTHON_CODES.notStatic, message: localMessage(why.message), range: why.range });
  out.push(...viewChecks(tracer.views, analysis));
  out.push(...pythonFixes(analysis.diagnostics, model, src));
}

function enclosingFunction(node: PyNode): PyNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition') return n;
  return undefined;
}

/** `x.view(-1, n)` where n is not what arrives per image: torch would silently change the batch size. */
function viewChecks(views: ViewCheck[], analysis: ItemsAnalysis): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of views) {
    const layer = analysis.layers.find((l) => l.range === v.flatten.range);
    const arriving = layer?.outputShape[0];
    if (arriving === undefined || arriving === v.features) continue;
    out.push({
      severity: 'error', code: PYTHON_CODES.viewSize, range: v.range,
      message: `view(-1, ${v.features}) but ${layer!.inputShape.join('×')} = ${arriving} values arrive per image: torch would silently change the batch size`,
      fixes: [{ title: `Change to ${arriving}`, range: v.range, newText: String(arriving) }],
    });
  }
  return out;
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list
    .filter((d) => !inOtherCell(d.range))
    .filter((d) => {
      const key = `${d.code}|${d.message}|${d.range.start.line}:${d.range.start.character}`;
      return !seen.has(key) && seen.add(key) !== undefined;
    })
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}


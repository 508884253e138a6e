/** CodeLens entries on the `layers:` line: total parameters, "Show summary", "Train model", "Copy as PyTorch". */
import { formatCount } from '../model';
import type { SourceText } from '../model/parse/sourceText';
import type { ModelAnalysis, Range } from '../model/types';
import { COMMANDS } from './commands';
import { shapeLabel } from './format';

export interface CodeLensEntry {
  range: Range;
  title: string;
  command: string;
}

/** The lenses for a model file; `canTrain` hides "Train model" while no trainer is available. */
export function codeLenses(analysis: ModelAnalysis, src: SourceText, canTrain: boolean): CodeLensEntry[] {
  const line = findLayersLine(src);
  if (line === undefined) return [];
  const range = { start: { line, character: 0 }, end: { line, character: 'layers'.length } };
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  const totals = `${formatCount(analysis.totals.params)} params · ${shapeLabel(analysis.input)} → ${shapeLabel(analysis.outputShape)}`;
  const lenses: CodeLensEntry[] = [
    { range, title: errors ? `${totals} · ${errors} error${errors === 1 ? '' : 's'}` : totals, command: COMMANDS.showSummary },
    { range, title: 'Show summary', command: COMMANDS.showSummary },
  ];
  if (canTrain) lenses.push({ range, title: 'Train model', command: COMMANDS.trainModel });
  // The export's model.py generator needs every layer resolved.
  if (!errors && analysis.layers.length) lenses.push({ range, title: 'Copy as PyTorch', command: COMMANDS.copyAsPyTorch });
  return lenses;
}

/** The 0-based line of the top-level `layers:` key. */
export function findLayersLine(src: SourceText): number | undefined {
  const m = /^layers\s*:/m.exec(src.text);
  return m ? src.position(m.index).line : undefined;
}

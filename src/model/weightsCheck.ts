/**
 * `weights:` against the model: each of the model's state_dict keys the file lacks or holds with another shape is
 * reported on its layer's line, keys the file has in excess on the `weights:` key; errors when loading is strict (the
 * default), warnings with `strict: false` (what matches loads). A changed head is an info: its old weights are skipped.
 */
import type { AnalysisEnvironment } from './config/imageFolder';
import type { DiagnosticSink } from './diagnostics';
import type { WeightsSpec } from './parse/modelFile';
import { stateKeys } from './stateKeys';
import { matchState } from './stateMatch';
import type { ResolvedLayer } from './types';

const shape = (s: readonly number[]) => `[${s.join(', ')}]`;

export function checkWeights(spec: WeightsSpec | undefined, layers: readonly ResolvedLayer[], env: AnalysisEnvironment, sink: DiagnosticSink): void {
  if (!spec || !env.weights) return;
  const read = env.weights(spec.file);
  if ('error' in read) {
    sink.error('weights-file', `weights: ${read.error}`, spec.range);
    return;
  }
  const m = matchState(stateKeys(layers), read.shapes);
  const report = (spec.strict ? sink.error : sink.warning).bind(sink);
  const skipped = spec.strict ? '' : ' (not loaded: it keeps its initialisation)';
  const byLayer = new Map<ResolvedLayer, string[]>();
  const add = (layer: ResolvedLayer, text: string) => byLayer.set(layer, [...(byLayer.get(layer) ?? []), text]);
  for (const k of m.missing) add(k.layer, `${k.key} is not in ${spec.file}`);
  for (const x of m.mismatched) add(x.layer, `${x.key} is ${shape(x.found)} in ${spec.file}, this layer needs ${shape(x.expected)}`);
  for (const [layer, problems] of byLayer) report('weights-mismatch', `${problems.join('; ')}${skipped}`, layer.moduleRange ?? layer.range);
  const heads = new Map<ResolvedLayer, string[]>();
  for (const x of m.replaced) heads.set(x.layer, [...(heads.get(x.layer) ?? []), `${x.key} ${shape(x.found)} → ${shape(x.expected)}`]);
  for (const [layer, changes] of heads) {
    sink.add('info', 'weights-head', `New head (${changes.join(', ')} against ${spec.file}): this layer's old weights are skipped and it starts from its initialisation`, layer.moduleRange ?? layer.range);
  }
  if (m.unexpected.length) {
    const few = m.unexpected.slice(0, 4).join(', ') + (m.unexpected.length > 4 ? ` and ${m.unexpected.length - 4} more` : '');
    report('weights-mismatch', `${spec.file} has ${m.unexpected.length} key${m.unexpected.length === 1 ? '' : 's'} this model does not: ${few}${spec.strict ? ' (load what matches with weights: {file: …, strict: false})' : ' (ignored)'}`, spec.range);
  }
}

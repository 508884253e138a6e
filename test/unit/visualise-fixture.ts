/** Small models with given weights for the visualisation tests. */
import assert from 'node:assert/strict';
import { analyzeModel } from '../../src/model/analyze';
import { initBackend, type TF } from '../../src/trainer/backend/index';
import { buildModel } from '../../src/trainer/engine/model';
import { inspectableModel, type InspectableRun } from '../../src/inspect/network/runModel';

/** Builds `yaml` on the wasm engine and sets the named variables (engine layouts: Linear [in, out], conv HWIO). */
export async function runWith(yaml: string, weights: Record<string, number[]>, backend: 'wasm' | 'cpu' = 'wasm'): Promise<{ tf: TF; run: InspectableRun }> {
  const { tf } = await initBackend(backend);
  const analysis = analyzeModel(yaml);
  assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  const model = buildModel(tf, analysis.graph, 1);
  for (const [name, data] of Object.entries(weights)) {
    const v = [...model.params, ...model.buffers].find((p) => p.name === name);
    assert.ok(v, `no variable ${name}`);
    v.variable.assign(tf.tensor(data, v.variable.shape));
  }
  return { tf, run: inspectableModel(tf, analysis, model) };
}


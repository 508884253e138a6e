/**
 * Checkpoints in tfjs's weights format (model.json with a weightsManifest + weights.bin), written through the
 * run folder's atomic IOHandler, and in-memory snapshots used to restore the best weights before the test pass.
 * Layouts are tfjs's: conv weight [kh, kw, in/groups, out], Linear weight [in, out]; model.json says so.
 */
import type { ModelAnalysis } from '../../model/types';
import { folderIOHandler } from '../runs/tfjsFiles';
import type { NamedVariable } from './layers/types';
import type { EngineModel } from './model';
import type { NamedTensorMap, TF, Variable } from './tf';

/** Extra facts stored in model.json's userDefinedMetadata (epoch, validation loss…). */
export type CheckpointMetadata = Record<string, string | number | boolean>;

function variables(model: EngineModel): NamedVariable[] {
  return [...model.params, ...model.buffers];
}

/** Saves every parameter and buffer of `model` to `dir`. */
export async function saveCheckpoint(
  tf: TF,
  model: EngineModel,
  analysis: Pick<ModelAnalysis, 'name' | 'input' | 'classes' | 'layers'>,
  dir: string,
  metadata: CheckpointMetadata,
): Promise<void> {
  const map: NamedTensorMap = {};
  for (const v of variables(model)) map[v.name] = v.variable;
  const { data, specs } = await tf.io.encodeWeights(map);
  await folderIOHandler(dir).save({
    format: 'cnnlab-weights',
    generatedBy: 'CNN Lab',
    convertedBy: null,
    modelTopology: {
      name: analysis.name,
      input: analysis.input,
      classes: analysis.classes,
      dataFormat: 'NHWC',
      weightLayout: { Conv2d: 'kh,kw,in/groups,out', ConvTranspose2d: 'kh,kw,out/groups,in', Linear: 'in,out' },
      layers: analysis.layers.map((l) => ({ name: `layer${l.index}`, type: l.type, text: l.text })),
    },
    weightSpecs: specs,
    weightData: data,
    userDefinedMetadata: metadata,
  });
}

/** Loads a checkpoint into a model built from the same file; throws when a variable is missing or mis-shaped. */
export async function loadCheckpoint(tf: TF, model: EngineModel, dir: string): Promise<void> {
  const artifacts = await folderIOHandler(dir).load();
  const tensors = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), artifacts.weightSpecs ?? []);
  try {
    for (const v of variables(model)) {
      const t = tensors[v.name];
      if (!t) throw new Error(`checkpoint ${dir} has no ${v.name}`);
      if (t.shape.join() !== v.variable.shape.join()) {
        throw new Error(`checkpoint ${dir}: ${v.name} has shape [${t.shape}], the model needs [${v.variable.shape}]`);
      }
      v.variable.assign(t);
    }
  } finally {
    Object.values(tensors).forEach((t) => t.dispose());
  }
}

/**
 * A copy of the model's current variables (the best weights), kept in JavaScript memory rather than as tensors: on
 * the wasm engine a tensor copy would take its share of the 4 GiB heap (VGG-16: 528 MiB) for the whole run.
 */
export class WeightSnapshot {
  private readonly copies = new Map<string, { data: Awaited<ReturnType<Variable['data']>>; shape: number[]; dtype: Variable['dtype'] }>();

  constructor(private readonly tf: TF) {}

  /** Replaces the snapshot with the model's current values (read asynchronously: a GPU backend has no synchronous read). */
  async capture(model: EngineModel): Promise<void> {
    const vars = variables(model);
    const data = await Promise.all(vars.map((v) => v.variable.data()));
    this.dispose();
    vars.forEach((v, i) => this.copies.set(v.name, { data: data[i], shape: v.variable.shape, dtype: v.variable.dtype }));
  }

  get empty(): boolean {
    return this.copies.size === 0;
  }

  /** Writes the snapshot back into the model. */
  restore(model: EngineModel): void {
    for (const v of variables(model)) {
      const copy = this.copies.get(v.name);
      if (copy) this.tf.tidy(() => v.variable.assign(this.tf.tensor(copy.data, copy.shape, copy.dtype)));
    }
  }

  dispose(): void {
    this.copies.clear();
  }
}

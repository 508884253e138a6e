/**
 * A tfjs IOHandler for a folder on disk: `model.json` (topology + weightsManifest) and `weights.bin`, both written
 * atomically. weights.bin is written first; since every epoch has the same manifest, any pair on disk is valid.
 */
import type { io } from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FILE_LIMITS, readUserFile, readUserText } from '../../files/readUserFile';
import { writeFileAtomic, writeJsonAtomic } from './atomic';

const WEIGHTS_FILE = 'weights.bin';
const MODEL_FILE = 'model.json';

/** Concatenates tfjs's weight data (one buffer, or several in tfjs ≥ 4.10) into bytes. */
function weightBytes(data: io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  return Buffer.concat(buffers.map((b) => new Uint8Array(b)));
}

/** An IOHandler that saves to and loads from `dir` (created when missing). */
export function folderIOHandler(dir: string): Required<Pick<io.IOHandler, 'save' | 'load'>> {
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      mkdirSync(dir, { recursive: true });
      const bytes = weightBytes(artifacts.weightData);
      writeFileAtomic(join(dir, WEIGHTS_FILE), bytes);
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        userDefinedMetadata: artifacts.userDefinedMetadata,
      };
      writeJsonAtomic(join(dir, MODEL_FILE), modelJson);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: bytes.byteLength,
        },
      };
    },
    async load(): Promise<io.ModelArtifacts> {
      const { json, specs, bytes } = readCheckpointFiles(dir);
      return {
        format: json.format,
        generatedBy: json.generatedBy,
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

/**
 * A checkpoint folder's model.json and its weight bytes (every weight 4 bytes: float32 or int32, as the engine
 * saves them), read synchronously; errors name the file and say the checkpoint is damaged.
 */
export function readCheckpointFiles(dir: string): { json: ModelJson; specs: io.WeightsManifestEntry[]; bytes: Buffer<ArrayBuffer> } {
  const path = join(dir, MODEL_FILE);
  if (!existsSync(path)) throw new Error(`no checkpoint in ${dir} (missing ${MODEL_FILE})`);
  const json = parseModelJson(readUserText(path, { maxBytes: FILE_LIMITS.json, what: 'checkpoint model.json' }), path);
  const manifest = json.weightsManifest ?? [];
  const expected = manifest.flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  // Weight files live in the checkpoint folder: a manifest path cannot point elsewhere. Reading stops past
  // the size the manifest needs, so a damaged manifest cannot make us read without bound.
  const limits = { maxBytes: expected, what: 'weights file of this checkpoint', hint: 'The checkpoint is damaged.' };
  const bytes = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readUserFile(join(dir, basename(p)), limits))));
  if (bytes.byteLength !== expected) {
    throw new Error(`${join(dir, WEIGHTS_FILE)} has ${bytes.byteLength} bytes, its manifest needs ${expected}: the checkpoint is damaged`);
  }
  return { json, specs: manifest.flatMap((g) => g.weights), bytes };
}

export interface ModelJson {
  format?: string;
  generatedBy?: string;
  modelTopology?: object;
  weightsManifest?: Array<{ paths: string[]; weights: io.WeightsManifestEntry[] }>;
  userDefinedMetadata?: Record<string, {}>;
}

/** model.json's text as a checkpoint description; anything else (`null`, a list, a bad manifest) is "damaged". */
function parseModelJson(text: string, path: string): ModelJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not a valid checkpoint: ${(err as Error).message}`);
  }
  const damaged = (why: string): Error => new Error(`${path} is not a valid checkpoint (${why}): the checkpoint is damaged`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw damaged(`it holds ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}, not an object`);
  }
  const manifest = (value as ModelJson).weightsManifest;
  if (!Array.isArray(manifest) || !manifest.every(isManifestGroup)) throw damaged('no valid weightsManifest');
  return value as ModelJson;
}

function isManifestGroup(g: unknown): boolean {
  const group = g as { paths?: unknown; weights?: unknown } | null;
  const isWeight = (w: { name?: unknown; shape?: unknown } | null): boolean =>
    typeof w === 'object' && w !== null && typeof w.name === 'string' && Array.isArray(w.shape) && w.shape.every((d) => Number.isInteger(d) && d >= 0);
  return (
    typeof group === 'object' && group !== null &&
    Array.isArray(group.paths) && group.paths.every((p) => typeof p === 'string') &&
    Array.isArray(group.weights) && group.weights.every(isWeight)
  );
}

/**
 * A tfjs IOHandler for a folder on disk: `model.json` (topology + weightsManifest) and `weights.bin`, both written
 * atomically. weights.bin is written first; since every epoch has the same manifest, any pair on disk is valid.
 */
import type { io } from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
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
      const path = join(dir, MODEL_FILE);
      if (!existsSync(path)) throw new Error(`no checkpoint in ${dir} (missing ${MODEL_FILE})`);
      let json: {
        format?: string;
        generatedBy?: string;
        modelTopology?: object;
        weightsManifest?: Array<{ paths: string[]; weights: io.WeightsManifestEntry[] }>;
        userDefinedMetadata?: Record<string, {}>;
      };
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new Error(`${path} is not a valid checkpoint: ${(err as Error).message}`);
      }
      const manifest = json.weightsManifest ?? [];
      // Weight files live in the checkpoint folder: a manifest path cannot point elsewhere.
      const bytes = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, basename(p))))));
      const expected = manifest.flatMap((g) => g.weights).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
      if (bytes.byteLength !== expected) {
        throw new Error(`${join(dir, WEIGHTS_FILE)} has ${bytes.byteLength} bytes, its manifest needs ${expected}: the checkpoint is damaged`);
      }
      return {
        format: json.format,
        generatedBy: json.generatedBy,
        modelTopology: json.modelTopology,
        weightSpecs: manifest.flatMap((g) => g.weights),
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

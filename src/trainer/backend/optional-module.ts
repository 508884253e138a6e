/**
 * Loading the optional native packages (@tensorflow/tfjs-node, -gpu; webgpu, Dawn's bindings). They are never
 * bundled and may live either in the usual node_modules chain or in an install prefix of our own (the extension's
 * global storage, where `cnnlab install-backend --dir` puts them).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The native packages we know how to load. */
export type NativePackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu' | 'webgpu';

/** Outcome of trying to load a native package: its exports, or why it could not be loaded. */
export type LoadResult =
  | { ok: true; exports: unknown; from: string }
  | { ok: false; notInstalled: boolean; reason: string };

/**
 * Requires `name` from the normal resolution chain (next to this bundle / source file), then from each
 * install prefix in `extraModulePaths` (a prefix P holds P/node_modules/<name>). A package that is present
 * but fails to load (missing libtensorflow, wrong CUDA) is reported with its error, not as "not installed".
 */
export function loadOptionalModule(name: NativePackage, extraModulePaths: readonly string[] = []): LoadResult {
  let failure: string | undefined;
  for (const resolved of installedCopies(name, extraModulePaths)) {
    try {
      return { ok: true, exports: createRequire(resolved)(resolved), from: resolved };
    } catch (err) {
      failure ??= loadFailure(name, resolved, err);
    }
  }
  return notLoaded(name, failure);
}

/** As loadOptionalModule, for an ES module package (webgpu): imported, as require() of ESM is not in every Node 20. */
export async function importOptionalModule(name: NativePackage, extraModulePaths: readonly string[] = []): Promise<LoadResult> {
  let failure: string | undefined;
  for (const resolved of installedCopies(name, extraModulePaths)) {
    try {
      return { ok: true, exports: await import(pathToFileURL(resolved).href), from: resolved };
    } catch (err) {
      failure ??= loadFailure(name, resolved, err);
    }
  }
  return notLoaded(name, failure);
}

/** The entry file of each installed copy of `name`, in the order they are tried. */
function installedCopies(name: NativePackage, extraModulePaths: readonly string[]): string[] {
  const bases = [__filename, ...extraModulePaths.map((p) => join(p, 'package.json'))];
  return bases.flatMap((base) => {
    try {
      return [createRequire(base).resolve(name)];
    } catch {
      return []; // not installed under this base
    }
  });
}

function loadFailure(name: string, resolved: string, err: unknown): string {
  return `${name} is installed (${resolved}) but failed to load: ${err instanceof Error ? err.message : String(err)}`;
}

function notLoaded(name: string, failure: string | undefined): LoadResult {
  return failure ? { ok: false, notInstalled: false, reason: failure } : { ok: false, notInstalled: true, reason: `${name} is not installed` };
}

/**
 * True when an NVIDIA GPU with a working driver is visible. Checked before loading tfjs-node-gpu, whose
 * native library otherwise silently falls back to the CPU (or fails on missing CUDA libraries).
 */
export function nvidiaGpuVisible(): boolean {
  if (process.platform === 'linux' && !existsSync('/proc/driver/nvidia/version')) return false;
  try {
    const out = execFileSync('nvidia-smi', ['-L'], { timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    return /GPU \d+/.test(out.toString());
  } catch {
    return false;
  }
}

/**
 * What one backend of the registry (./registry.ts) is: a name, whether `auto` may take it, and how to start it.
 * Starting never throws for an unavailable backend: it says why, and initBackend decides (explicit choice: an
 * error with the fix; auto: the next entry).
 */
import type { TF } from '../engine/tf';

/** Every backend a run can compute on (the choices of `--backend` less `auto`). */
export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

/** The backend that is live after `initBackend`. */
export interface BackendInfo {
  tf: TF;
  name: BackendName;
  /** For people, e.g. "wasm (SIMD, 1 thread, XNNPACK) + CNN Lab training kernels"; names the GPU where there is one. */
  description: string;
  /** The GPU adapter computing (webgpu), as Dawn names it. */
  adapter?: string;
}

/** Why a backend cannot start: not installed at all (auto stays quiet), or present but broken / unsuitable. */
export interface Unavailable {
  notInstalled: boolean;
  reason: string;
  /** Replaces the entry's fix (e.g. no GPU: installing will not help). */
  fix?: string;
}

/** What a backend's start gets. */
export interface BackendStart {
  /** Asked for by name (not by auto): a slow but working configuration is accepted, with a warning. */
  explicit: boolean;
  /** Install prefixes that may hold the optional native packages. */
  extraModulePaths: readonly string[];
  /** Folder holding tfjs-backend-wasm's .wasm files; found automatically when omitted. */
  wasmDir?: string;
  log: (message: string) => void;
}

export interface BackendEntry {
  name: BackendName;
  /** `auto` tries the entries that allow it, in registry order. */
  auto: boolean;
  start(start: BackendStart): Promise<BackendInfo | Unavailable>;
  /** What to do when it was asked for and is unavailable. */
  fix: string;
}

/// <reference types="@webgpu/types" />
/**
 * The webgpu backend: @tensorflow/tfjs-backend-webgpu (bundled, imported on first use) on Dawn, the optional
 * `webgpu` package (its dawn.node is native and never bundled). What trials established, and how it is honoured:
 * - tfjs-backend-webgpu reads `navigator.gpu` and the GPU* constants as globals: they are installed before it is
 *   imported, and its backend is registered here with the adapter chosen here (not by its own import-time code);
 * - a software adapter (llvmpipe, lavapipe, SwiftShader, WARP) is slower than our wasm engine: `auto` never
 *   takes one; asked for by name it is used, with a warning (CI tests run on one);
 * - every read must be async (no OffscreenCanvas in Node, so `dataSync` throws): the engine only reads with
 *   `data()` / `array()`.
 * Dawn is started once per thread and kept: a worker runs many trainings on the same device.
 */
import type { BackendInfo, BackendStart, Unavailable } from './entry';
import { tfCore } from './tfjs-core';
import { importOptionalModule } from './optional-module';

/** The `webgpu` package's exports we use. */
interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** The GPUAdapterInfo fields Dawn fills (isFallbackAdapter is newer than some typings). */
interface AdapterInfoLike {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter?: boolean;
}

/** One way of asking Dawn for an adapter: its instance flags and the adapter request. */
interface Route {
  label: string;
  flags: string[];
  request: GPURequestAdapterOptions & { featureLevel?: 'core' | 'compatibility' };
}

/**
 * Dawn's native API first (Vulkan, Metal, D3D12); then OpenGL in WebGPU's compatibility mode, which reaches GPUs
 * without a Vulkan driver and the stock Mesa of CI machines (headless Linux needs EGL_PLATFORM=surfaceless).
 */
const ROUTES: Route[] = [
  { label: 'Dawn', flags: [], request: { powerPreference: 'high-performance' } },
  { label: 'Dawn, OpenGL, compatibility mode', flags: ['backend=opengl'], request: { powerPreference: 'high-performance', featureLevel: 'compatibility' } },
];

/** Names of the CPU renderers Dawn may offer as adapters. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|softpipe|basic render driver|\bwarp\b/i;

interface FoundAdapter {
  adapter: GPUAdapter;
  info: AdapterInfoLike;
  route: Route;
  software: boolean;
}

/**
 * Memoises a lookup for the worker's lifetime, except a "not installed" answer: after Install Native Backend, the
 * next training in the same long-lived worker finds the package instead of repeating the old answer.
 */
export function memoUntilInstalled<T extends object>(find: () => Promise<T | Unavailable>): () => Promise<T | Unavailable> {
  let pending: Promise<T | Unavailable> | undefined;
  return async () => {
    pending ??= find();
    const result = await pending;
    if ('notInstalled' in result && result.notInstalled) pending = undefined;
    return result;
  };
}

let search: (() => Promise<FoundAdapter | Unavailable>) | undefined;
let device: Promise<GPUDevice> | undefined;

/** Starts the webgpu backend: a hardware adapter, or (asked for by name) any adapter. */
export async function startWebGpu(start: BackendStart): Promise<BackendInfo | Unavailable> {
  search ??= memoUntilInstalled(() => findAdapter(start.extraModulePaths));
  const found = await search();
  if ('reason' in found) return found;
  const name = adapterName(found.info);
  if (found.software && !start.explicit) {
    return { notInstalled: false, reason: `the only WebGPU adapter is a software renderer (${name}), slower than wasm; choose --backend webgpu to use it anyway` };
  }
  if (found.software) start.log(`warning: the WebGPU adapter ${name} is a software renderer, slower than the wasm backend`);
  device ??= registerBackend(found);
  await device;
  if (!(await tfCore.setBackend('webgpu'))) return { notInstalled: false, reason: `tfjs-backend-webgpu did not start on ${name} (see the messages above)` };
  await tfCore.ready();
  const kind = found.software ? 'software adapter' : 'GPU';
  return { tf: tfCore, name: 'webgpu', adapter: name, description: `webgpu (${kind} ${name}; ${found.route.label}; tfjs-backend-webgpu ${tfCore.version_core})` };
}

/** Loads Dawn, installs the globals tfjs-backend-webgpu reads, and takes the first route that gives an adapter. */
async function findAdapter(extraModulePaths: readonly string[]): Promise<FoundAdapter | Unavailable> {
  const loaded = await importOptionalModule('webgpu', extraModulePaths);
  if (!loaded.ok) return loaded;
  const dawn = loaded.exports as DawnModule;
  Object.assign(globalThis, dawn.globals);
  const tried: string[] = [];
  for (const route of ROUTES) {
    const gpu = dawn.create(route.flags);
    const adapter = await gpu.requestAdapter(route.request as GPURequestAdapterOptions).catch(() => null);
    if (!adapter) {
      tried.push(route.label);
      continue;
    }
    installNavigatorGpu(gpu);
    const info = (adapter as unknown as { info: AdapterInfoLike }).info; // GPUAdapter.info is newer than the typings
    return { adapter, info, route, software: isSoftwareAdapter(info) };
  }
  return { notInstalled: false, reason: `no WebGPU adapter found (tried: ${tried.join('; ')}; on headless Linux set EGL_PLATFORM=surfaceless for the OpenGL route)` };
}

/** tfjs-backend-webgpu checks `navigator.gpu`; Node 20 has no navigator, Node 21+ has one without `gpu`. */
function installNavigatorGpu(gpu: GPU): void {
  const g = globalThis as { navigator?: object };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
}

/**
 * Registers tfjs's webgpu backend on a device of the adapter found. Once tfjs-backend-webgpu is imported with
 * `navigator.gpu` present, it has registered a factory of its own, which asks for the default adapter (none on
 * the OpenGL route): ours replaces it.
 */
async function registerBackend(found: FoundAdapter): Promise<GPUDevice> {
  const gpuDevice = await requestDevice(found);
  // Imported on first use only: other backends never pay for it.
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tfCore.findBackendFactory('webgpu')) tfCore.removeBackend('webgpu');
  tfCore.registerBackend('webgpu', () => new WebGPUBackend(gpuDevice, found.info as GPUAdapterInfo));
  return gpuDevice;
}

/** The device tfjs-backend-webgpu's own registration asks for: the adapter's limits, timestamps when offered. */
async function requestDevice({ adapter }: FoundAdapter): Promise<GPUDevice> {
  const l = adapter.limits;
  return adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  });
}

/** "NVIDIA GeForce RTX 4070 (Vulkan …)", from whichever of Dawn's fields are filled. */
export function adapterName(info: AdapterInfoLike): string {
  const main = info.device || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unnamed adapter';
  return info.description && info.description !== main ? `${main.replace(/-+$/, '')} (${info.description})` : main;
}

/** True for a software renderer's adapter: Dawn marks few of them as fallback adapters, so names count too. */
export function isSoftwareAdapter(info: AdapterInfoLike): boolean {
  return info.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

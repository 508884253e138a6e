/**
 * Which weights a run started from, as its config.json records them (`weights: {file, loaded, skipped}`, written by
 * trainer/engine/startingWeights), for the runs view, the Training panel and the Compare panel: "from scratch"
 * against "transfer". Pure, shared by the host and the webviews (no node imports).
 */

export interface RunStartingWeights {
  /** The weight file or run folder, as given. */
  file: string;
  /** Tensors loaded from it. */
  loaded: number;
  /** Tensors kept at their initialisation (a new head, or strict: false). */
  skipped: number;
}

/** The config's `weights`, or null for a run from scratch (or a config without a readable record). */
export function startingWeightsFromConfig(config: unknown): RunStartingWeights | null {
  const w = (config as { weights?: { file?: unknown; loaded?: unknown; skipped?: unknown } } | null)?.weights;
  if (!w || typeof w.file !== 'string' || !w.file) return null;
  return { file: w.file, loaded: typeof w.loaded === 'number' ? w.loaded : 0, skipped: Array.isArray(w.skipped) ? w.skipped.length : 0 };
}

/** The file's last path part (`runs/resnet18/2026-…/best` → `2026-…/best`: a checkpoint is named with its run). */
export function weightsName(file: string): string {
  const parts = file.split(/[\\/]/).filter(Boolean);
  const last = parts[parts.length - 1] ?? file;
  return (last === 'best' || last === 'last') && parts.length > 1 ? `${parts[parts.length - 2]}/${last}` : last;
}

/** "from scratch", or "from resnet18-f37072fd.pth (120 tensors, 2 kept at their initialisation)". */
export function startingWeightsText(w: RunStartingWeights | null, detail = true): string {
  if (!w) return 'from scratch';
  const extra = detail ? ` (${w.loaded} tensors${w.skipped ? `, ${w.skipped} kept at their initialisation` : ''})` : '';
  return `from ${weightsName(w.file)}${extra}`;
}

export function isRunStartingWeights(v: unknown): v is RunStartingWeights | null {
  if (v === null) return true;
  const w = v as Partial<RunStartingWeights> | undefined;
  return typeof w === 'object' && typeof w.file === 'string' && typeof w.loaded === 'number' && typeof w.skipped === 'number';
}

/**
 * The stages a run goes through: without `train.stages` one stage of every epoch at train.lr that leaves the model's
 * frozen layers as they are; with them, each stage in turn, cut short where an --epochs override ends the run.
 */
import type { TrainConfig } from '../../model/types';

export interface StageRun {
  /** 0-based epoch the stage starts at. */
  start: number;
  epochs: number;
  lr: number;
  /** The layers (ResolvedLayer.index) frozen during the stage; undefined: as the model is. */
  frozen?: ReadonlySet<number>;
}

export function stagePlan(cfg: Pick<TrainConfig, 'lr' | 'stages'>, epochs: number): StageRun[] {
  if (!cfg.stages?.length) return [{ start: 0, epochs, lr: cfg.lr }];
  const plan: StageRun[] = [];
  let start = 0;
  for (const s of cfg.stages) {
    if (start >= epochs) break;
    const length = Math.min(s.epochs, epochs - start);
    plan.push({ start, epochs: length, lr: s.lr, frozen: new Set(s.frozen) });
    start += length;
  }
  return plan;
}

/** The stage of a 0-based epoch. */
export function stageOf(plan: readonly StageRun[], epoch: number): number {
  const i = plan.findIndex((s) => epoch < s.start + s.epochs);
  return i < 0 ? plan.length - 1 : i;
}

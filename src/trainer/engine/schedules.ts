/**
 * Learning-rate schedules, evaluated once per epoch as torch's schedulers are stepped: StepLR, CosineAnnealingLR
 * (T_max = epochs) and ReduceLROnPlateau on the validation loss (mode min, relative threshold 1e-4).
 */
import { SCHEDULE_DEFAULTS } from '../../model/config/trainKeys';
import type { ScheduleConfig } from '../../model/types';

export interface Schedule {
  /** Learning rate for the given 0-based epoch, after the previous epoch's validation loss was reported. */
  lr(epoch: number): number;
  /** Reports the end of an epoch (plateau reads the validation loss). */
  epochEnd(validationLoss: number): void;
}

/** A schedule for `baseLr` over `epochs`, or a constant rate when none is configured. */
export function createSchedule(baseLr: number, epochs: number, config: ScheduleConfig | undefined): Schedule {
  if (!config) return { lr: () => baseLr, epochEnd: () => undefined };
  const minLr = config.min_lr ?? SCHEDULE_DEFAULTS.min_lr;
  switch (config.type) {
    case 'step': {
      const stepSize = Math.max(1, config.step_size ?? 1);
      const gamma = config.gamma ?? SCHEDULE_DEFAULTS.gamma;
      return { lr: (epoch) => baseLr * gamma ** Math.floor(epoch / stepSize), epochEnd: () => undefined };
    }
    case 'cosine':
      return {
        lr: (epoch) => minLr + ((baseLr - minLr) * (1 + Math.cos((Math.PI * epoch) / Math.max(1, epochs)))) / 2,
        epochEnd: () => undefined,
      };
    case 'plateau':
      return plateau(baseLr, config.patience ?? SCHEDULE_DEFAULTS.patience, config.factor ?? SCHEDULE_DEFAULTS.factor, minLr);
  }
}

function plateau(baseLr: number, patience: number, factor: number, minLr: number): Schedule {
  let current = baseLr;
  let best = Infinity;
  let bad = 0;
  return {
    lr: () => current,
    epochEnd(loss) {
      if (loss < best * (1 - 1e-4)) {
        best = loss;
        bad = 0;
      } else if (++bad > patience) {
        current = Math.max(current * factor, minLr);
        bad = 0;
      }
    },
  };
}

/** The worker's TrainerClient behind the TrainerPort that "Train Model" uses (events filtered to one run). */
import type { TrainerEvent } from '../protocol/trainer';
import type { TrainerClient } from '../trainer/client';
import type { TrainerPort } from './trainerPort';

/** Adapts a TrainerClient: one subscription per run, dropped when the run settles. */
export function trainerPort(client: () => TrainerClient): TrainerPort {
  return {
    start(request, onEvent) {
      const trainer = client();
      const run = trainer.start(request);
      const off = trainer.onEvent((event) => {
        // A crash rejects the run's promise with the reason; only run events go to the listener.
        if (event.runId !== run.runId || event.type === 'crashed') return;
        const { runId: _runId, ...rest } = event;
        onEvent(rest as TrainerEvent);
      });
      void run.done.then(off, off);
      return { stop: () => run.stop(), result: run.done };
    },
  };
}

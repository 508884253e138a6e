/**
 * The pytorch export's half of a task: train.py's loop is task-free (forward, loss, backward, evaluate, record) and
 * asks the generated task.py for everything that differs between tasks, as the engine's loop asks src/trainer/tasks.
 * One module per task (its task.py text and what it cannot reproduce), one entry in registry.ts.
 *
 * task.py's contract (train.py calls only this): `class Task(recipe)` with
 * - `dataset(split, training)`: a torch Dataset of (input, target, label) from a (images, labels[, masks or objects]) split;
 * - `split_target`: what the splits must carry besides labels ("masks", "boxes"), or None;
 * - `loss(output, target)`: the batch's mean loss;
 * - `batch_score(output, target)` / `epoch_score(sum, seen)`: the training score (accuracy; None without one);
 * - `evaluation()`: an accumulator with `add(output, target, label, mean_loss)` and `result()` (CNN Lab's TestMetrics);
 * - `epoch_fields(validation)` / `summary_fields(test)`: the task's keys of metrics.jsonl's epoch lines and of
 *   summary.json (valMse, valMeanIou, valMap50, valMap; testAccuracy, testMse, testMeanIou, testMeanDice, testMap50,
 *   testMap), as CNN Lab writes them;
 * - `predict(output, x, top_k)` (predict.py): (JSON fields, text, pictures for --out).
 */
import type { ModelAnalysis } from '../../../model/types';

export interface PyTrainTask {
  /** What train.py cannot reproduce of this model's recipe, in words; null when it reproduces all of it. */
  unsupported(analysis: ModelAnalysis): string | null;
  /** The task's own keys of train.py's RECIPE (task.py reads them), if any. */
  recipe?(analysis: ModelAnalysis): Record<string, unknown>;
  /** task.py. */
  source: string;
  /** Further modules task.py imports, by file name (written beside it). */
  modules?: Readonly<Record<string, string>>;
}

/**
 * The runs view's "Evaluate on Test Set": the test pass on a stopped run's checkpoint, run by the one trainer worker
 * (queued behind a training in progress), with a cancellable progress notification. The figures land in the run's
 * summary.json, which the runs view and the training panel already watch.
 */
import * as vscode from 'vscode';
import type { EvaluateRequest } from '../protocol/runTypes';
import { formatTestResult } from '../protocol/testResult';
import type { EvaluationJob, EvaluationProgress } from '../trainer/client';

/** The part of the trainer client this needs (tests pass a fake). */
export interface Evaluator {
  evaluate(request: EvaluateRequest, onProgress?: (progress: EvaluationProgress) => void): EvaluationJob;
}

/** Evaluates `request.runDir`, showing progress; resolves when done, cancelled or failed (each said to the user). */
export async function evaluateWithProgress(evaluator: Evaluator, request: EvaluateRequest, label: string, log: vscode.LogOutputChannel): Promise<void> {
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Evaluating ${label}`, cancellable: true },
    async (progress, token) => {
      let reported = 0;
      log.info(`Evaluating ${request.runDir} on its test set (${request.checkpoint ?? 'best'} checkpoint)`);
      const job = evaluator.evaluate(request, ({ message, done, total }) => {
        // VS Code adds up increments: report the growth of the fraction done.
        const fraction = done !== undefined && total ? done / total : reported / 100;
        progress.report({ message: done !== undefined && total ? `${message} ${done}/${total}` : message, increment: Math.max(0, 100 * fraction - reported) });
        reported = Math.max(reported, 100 * fraction);
      });
      const cancel = token.onCancellationRequested(() => job.cancel());
      try {
        const { test, checkpoint } = await job.done;
        const message = `${label}: ${formatTestResult(test, (x) => `${(100 * x).toFixed(2)}%`)} (${test.samples} images, ${checkpoint} checkpoint)`;
        log.info(`Evaluated ${request.runDir}: ${message}`);
        void vscode.window.showInformationMessage(message);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        if (token.isCancellationRequested) {
          log.info(`Evaluation of ${request.runDir} cancelled`);
          void vscode.window.showInformationMessage(`Evaluation of ${label} cancelled; the run is unchanged.`);
        } else {
          log.error(`Evaluating ${request.runDir} failed: ${reason}`);
          void vscode.window.showErrorMessage(`Could not evaluate ${label}: ${reason}`);
        }
      } finally {
        cancel.dispose();
      }
    },
  );
}

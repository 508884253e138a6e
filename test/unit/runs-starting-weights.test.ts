/**
 * "From scratch" against "transfer": a run started from another run's weights (src/weights/sources/runCheckpoint)
 * records them in config.json, and the runs view (description and tooltip), the Training panel's header and the
 * Compare panel say which weights each run started from. Two tiny runs trained by the engine (seconds).
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { headerView } from '../../media/training/header';
import { startingWeightsFromConfig, startingWeightsText, weightsName } from '../../src/protocol/startingWeights';
import { runTraining } from '../../src/trainer/engine/session';
import { readRun } from '../../src/trainer/runs/reader';
import { compareView } from '../../src/webviews/runs/compareModel';
import { RunIndex } from '../../src/webviews/runs/runIndex';
import { groupRuns } from '../../src/webviews/runs/runTree';
import { loadRunView } from '../../src/webviews/training/runView';
import { tinyModel, trainTinyRun, type TrainedRun } from './inspect-fixture';

let scratch: TrainedRun;
let transfer: string;
before(async () => {
  scratch = await trainTinyRun();
  const modelPath = join(scratch.root, 'tiny.cnn.yaml');
  const result = await runTraining({ modelText: tinyModel(), modelPath, outDir: join(scratch.root, 'runs'), backend: 'wasm', epochs: 1, weights: join(scratch.runDir, 'best') });
  transfer = result.runDir;
});
after(() => scratch && rmSync(scratch.root, { recursive: true, force: true }));

describe('which weights a run started from', () => {
  it('config.json records a run used as weights', () => {
    const config = JSON.parse(readFileSync(join(transfer, 'config.json'), 'utf8')) as { weights: { file: string; loaded: number; skipped: string[] } };
    assert.equal(config.weights.file, join(scratch.runDir, 'best'));
    assert.deepEqual([config.weights.loaded, config.weights.skipped], [8, []]);
  });

  it('the runs view says it in the description and the tooltip; a run from scratch says nothing in its description', () => {
    const [group] = groupRuns(new RunIndex().collect([join(scratch.root, 'runs')]), new Set());
    const byDir = new Map(group.runs.map((r) => [r.dir, r]));
    const stamp = scratch.runDir.split(/[\\/]/).pop();
    assert.match(byDir.get(transfer)!.description, new RegExp(`· from ${stamp}/best$`));
    assert.match(byDir.get(transfer)!.tooltip, new RegExp(`\\nstarted from ${stamp}/best \\(8 tensors\\)\\n`));
    assert.doesNotMatch(byDir.get(scratch.runDir)!.description, /from/);
    assert.match(byDir.get(scratch.runDir)!.tooltip, /\nstarted from scratch\n/);
  });

  it('the Training panel\'s header and the Compare panel show it', () => {
    const view = loadRunView(transfer, false);
    assert.equal(headerView(view.model, view.summary, view.metrics, false, Date.now(), null, view.startingWeights).weights, `from ${weightsName(join(scratch.runDir, 'best'))} (8 tensors)`);
    // Unknown while a run is starting (no config read yet): nothing rather than a wrong "from scratch".
    assert.equal(headerView('m', null, [], true, Date.now()).weights, '');
    const compare = compareView([readRun(scratch.runDir), readRun(transfer)]);
    assert.deepEqual(compare.results.find((r) => r.key === 'started')?.values, ['from scratch', `from ${weightsName(join(scratch.runDir, 'best'))} (8 tensors)`]);
  });

  it('reads what a config holds, and names checkpoints with their run', () => {
    assert.equal(startingWeightsFromConfig({ train: {} }), null);
    assert.equal(startingWeightsFromConfig(null), null);
    assert.deepEqual(startingWeightsFromConfig({ weights: { file: '/w/resnet18-f37072fd.pth', loaded: 120, skipped: ['fc.weight', 'fc.bias'] } }), { file: '/w/resnet18-f37072fd.pth', loaded: 120, skipped: 2 });
    assert.equal(startingWeightsText({ file: '/w/resnet18-f37072fd.pth', loaded: 120, skipped: 2 }), 'from resnet18-f37072fd.pth (120 tensors, 2 kept at their initialisation)');
    assert.equal(weightsName('/p/runs/tiny/2026-12-06_22-00-00/last'), '2026-12-06_22-00-00/last');
  });
});

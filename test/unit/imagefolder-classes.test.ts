/**
 * One source of truth for class names with `imagefolder`: the model file's `classes:` are matched to the class
 * folders by name (not by the folders' alphabetical order), the run stores the list training used, and
 * `cnnlab predict` labels outputs from the run. The bug this guards: a pyramid came back "eiffel_tower 99.89%"
 * when `classes:` listed the names in another order than the folders sort in.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadDataset } from '../../src/trainer/datasets';
import type { LoadOptions } from '../../src/trainer/datasets/types';
import { runTraining } from '../../src/trainer/engine/session';
import { readRunClasses } from '../../src/trainer/runs/reader';
import { solidPng, tempDir } from '../fixtures/datasets/generate';

const { fresh, cleanup } = tempDir('cnnlab-classes-');
after(cleanup);

const YELLOW: [number, number, number] = [230, 200, 60];
const BLUE: [number, number, number] = [30, 60, 200];

/** eiffel_tower/ (blue) sorts before pyramid/ (yellow); a few shades each. */
function landmarks(root: string, extra: string[] = []): string {
  for (const [name, rgb] of [['eiffel_tower', BLUE], ['pyramid', YELLOW]] as const) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < 10; i++) writeFileSync(join(root, name, `${i}.png`), solidPng(8, 8, rgb.map((v) => v + 2 * i - 10) as [number, number, number]));
  }
  for (const name of extra) mkdirSync(join(root, name));
  return root;
}

function options(path: string, classes?: string[]): LoadOptions {
  return { input: [3, 4, 4], data: { dataset: 'imagefolder', path, validation_split: 0 }, seed: 1, classes, cacheDir: fresh('cache'), download: false };
}

describe('imagefolder class folders matched by name', () => {
  it('labels follow the names of classes:, not the folder order', async () => {
    const root = landmarks(fresh('folders'));
    const alphabetical = await loadDataset(options(root));
    assert.deepEqual(alphabetical.classes, ['eiffel_tower', 'pyramid']);
    const named = await loadDataset(options(root, ['pyramid', 'eiffel_tower']));
    assert.deepEqual(named.classes, ['pyramid', 'eiffel_tower']);
    // Yellow pixels (a high red channel) carry label 0 now, blue ones label 1.
    const set = named.train;
    for (let i = 0; i < set.count; i++) assert.equal(set.labels[i], (set.images[i * 48] as number) > 150 ? 0 : 1, `image ${i}`);
  });

  it('a name without a folder, or a folder without a name, is an error naming it', async () => {
    const root = landmarks(fresh('mismatch'));
    await assert.rejects(loadDataset(options(root, ['pyramid', 'eiffel_tower', 'colosseum'])), new RegExp(`no folder for class colosseum .*${join(root, 'colosseum')}`));
    await assert.rejects(loadDataset(options(root, ['pyramid'])), new RegExp(`${join(root, 'eiffel_tower')} is a class folder that classes: does not list`));
  });
});

describe('predict after training with classes: in another order than the folders', () => {
  it('names the class training used for that output, read from the run', async () => {
    const root = fresh('landmarks');
    landmarks(join(root, 'photos'));
    const modelText = [
      'name: landmarks',
      'input: [3, 4, 4]',
      'classes: [pyramid, eiffel_tower]',
      'layers:',
      '  - Flatten()',
      '  - Linear(48, 2)',
      'data: {dataset: imagefolder, path: photos, validation_split: 0}',
      'train: {epochs: 6, batch_size: 4, optimizer: adam, lr: 0.05, seed: 2}',
      '',
    ].join('\n');
    const modelPath = join(root, 'landmarks.cnn.yaml');
    writeFileSync(modelPath, modelText);
    const { runDir, summary } = await runTraining({ modelText, modelPath, outDir: join(root, 'runs'), cacheDir: fresh('cache'), backend: 'wasm' });
    assert.deepEqual(summary.classes, ['pyramid', 'eiffel_tower']);
    assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).classes, ['pyramid', 'eiffel_tower']);
    assert.deepEqual(JSON.parse(readFileSync(join(runDir, 'best', 'model.json'), 'utf8')).modelTopology.classes, ['pyramid', 'eiffel_tower']);
    assert.deepEqual(readRunClasses(runDir), ['pyramid', 'eiffel_tower']);
    assert.equal(summary.test?.accuracy, 1);

    const cli = resolve(__dirname, '../../src/cli.ts');
    for (const [folder, expected] of [['pyramid', 'pyramid'], ['eiffel_tower', 'eiffel_tower']]) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'predict', runDir, join(root, 'photos', folder, '3.png'), '--json', '--backend', 'wasm'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const top = JSON.parse(r.stdout.trim().split('\n').pop() as string).predictions[0];
      assert.equal(top.class, expected, `a ${folder} picture came back ${top.class}`);
    }
  });
});

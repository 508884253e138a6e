/**
 * A picture given to predict or the inspector is prepared as the test pass prepares test images: the test
 * pipeline's geometry (Resize keeps the aspect ratio, CenterCrop) and normalisation, not stretched to `input`.
 * Checked on a non-square picture in an imagefolder's test/: inputFromFile gives the tensor of the test pass.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyzeModel } from '../../src/model';
import { encodePng } from '../../src/inspect/image/png';
import { inputFromFile, inputFromSet } from '../../src/inspect/network/input';
import { batches, loadDataset } from '../../src/trainer/datasets';
import { decodeImage } from '../../src/trainer/datasets/decode';
import { tempDir } from '../fixtures/datasets/generate';

const { fresh, cleanup } = tempDir('cnnlab-test-pipeline-');
after(cleanup);

/** A 40×60 gray picture with a horizontal ramp and a vertical stripe pattern, so any geometry shows. */
function picture(seed: number): Uint8Array {
  const data = new Uint8Array(40 * 60);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 60; x++) data[y * 60 + x] = (x * 4 + ((y >> 2) % 2) * 50 + seed * 7) % 256;
  return data;
}

const MODEL = (root: string) => `name: t
input: [1, 28, 28]
layers: [Flatten(), Linear(784, 2)]
data:
  dataset: imagefolder
  path: ${root}
  validation_split: 0
  transforms:
    train: [Resize(32), CenterCrop(28), Normalize((0.5,), (0.25,))]
    test: [Resize(32), CenterCrop(28), Normalize((0.5,), (0.25,))]
`;

describe('pictures given by file go through the test pipeline', () => {
  it('a non-square picture through Resize(32) + CenterCrop(28) is the tensor of the test pass, not the stretch', async () => {
    const root = fresh('folder');
    for (const split of ['train', 'test']) {
      for (const cls of ['a', 'b']) {
        mkdirSync(join(root, split, cls), { recursive: true });
        for (let i = 0; i < 2; i++) writeFileSync(join(root, split, cls, `${i}.png`), encodePng({ width: 60, height: 40, channels: 1, data: picture(i + (cls === 'b' ? 5 : 0)) }));
      }
    }
    const analysis = analyzeModel(MODEL(root));
    assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
    const data = await loadDataset({ input: [1, 28, 28], data: analysis.data, pipeline: analysis.pipeline, seed: 1, cacheDir: fresh('cache'), download: false });
    const prep = { input: [1, 28, 28] as const, pipeline: analysis.pipeline, seed: 1 };
    const [testPass] = batches(data.test, { batchSize: data.test.count, shuffle: false, seed: 1, transforms: data.transforms.test });
    // test/ holds a/0, a/1, b/0, b/1 in that order.
    const file = join(root, 'test', 'b', '1.png');
    const input = await inputFromFile(file, prep);
    assert.deepEqual([input.height, input.width, input.channels], [28, 28, 1]);
    assert.deepEqual(Array.from(input.x), Array.from(testPass.x.subarray(3 * 784, 4 * 784)));
    assert.deepEqual(Array.from(inputFromSet(data.test, 3, prep, 'test #3').x), Array.from(input.x));
    // Stretching 40×60 to 28×28 (what predict did) gives another image.
    const bytes = Buffer.from(encodePng({ width: 60, height: 40, channels: 1, data: picture(6) }));
    const stretched = Array.from(decodeImage(bytes, file, 28, 28, 1), (v) => (v / 255 - 0.5) / 0.25);
    const differing = stretched.filter((v, i) => Math.abs(v - input.x[i]) > 0.05).length;
    assert.ok(differing > 100, `${differing} of 784 values differ from the stretched picture`);
  });

  it('a picture the test pipeline does not bring to input size is an error naming the file and the fix', async () => {
    const file = join(fresh('wide'), 'wide.png');
    writeFileSync(file, encodePng({ width: 60, height: 40, channels: 1, data: picture(0) }));
    const analysis = analyzeModel(MODEL(fresh('unused')).replace(/test: \[.*\]/, 'test: [Resize(28), Normalize((0.5,), (0.25,))]'));
    await assert.rejects(inputFromFile(file, { input: [1, 28, 28], pipeline: analysis.pipeline, seed: 1 }), /wide\.png is 28×42 after the test pipeline's first steps \(Resize\); the model takes 28×28/);
  });
});

/**
 * The inspector for detection runs: its input pane gets the detector's boxes (class, score, corners in the input's
 * pixels: the same list `cnnlab predict --json` prints) and the picture with them drawn, not a "reconstruction".
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InspectRequest, InspectResult } from '../../src/protocol/inspect';
import { decodePngRgba } from '../../src/inspect/image/png';
import { InspectorSession } from '../../src/inspect/session/inspectorSession';
import { initBackend } from '../../src/trainer/backend/index';
import { runTraining } from '../../src/trainer/engine/session';

const MODEL = `name: inspect-det
task: detection
input: [1, 32, 32]
layers:
  - Conv2d(1, 8, 3, padding=1)
  - ReLU()
  - MaxPool2d(2)
  - Conv2d(8, 8, 3, padding=1)
  - ReLU()
  - MaxPool2d(2)
  - DetectionHead(8, 5)
data: { dataset: shapes, train_samples: 64, test_samples: 16 }
train: { epochs: 1, batch_size: 16, seed: 4 }
`;

describe('the inspector on a detection run', () => {
  const root = mkdtempSync(join(tmpdir(), 'cnnlab-det-inspect-'));
  const session = new InspectorSession((choice) => initBackend(choice === 'auto' ? 'wasm' : choice));
  const ask = async <K extends InspectRequest['kind']>(request: Extract<InspectRequest, { kind: K }>) => (await session.handle(request)) as Extract<InspectResult, { kind: K }>;
  before(async () => {
    const { runDir } = await runTraining({ modelText: MODEL, outDir: root, backend: 'wasm' });
    await ask({ kind: 'open', runDir });
  });
  after(() => {
    session.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('shows a test image’s detections as boxes and a drawing, not as a reconstruction', async () => {
    const r = await ask({ kind: 'input', input: { kind: 'test', index: 0 }, topK: 5 });
    assert.equal(r.reconstruction, null);
    assert.ok(r.detections, 'the input result carries the detections');
    assert.deepEqual(r.predictions, []);
    for (const b of r.detections.boxes) {
      assert.ok(['circle', 'square', 'triangle', 'cross', 'ring'].includes(b.class), b.class);
      assert.ok(b.score >= 0.3 && b.score <= 1);
      assert.ok(b.x1 >= 0 && b.x1 <= b.x2 && b.x2 <= 32 && b.y1 >= 0 && b.y1 <= b.y2 && b.y2 <= 32);
    }
    const png = decodePngRgba(r.detections.picture.png);
    assert.deepEqual([png.width, png.height], [256, 256], 'the 32-pixel input drawn 8 times larger, as predict --out');
  });
});

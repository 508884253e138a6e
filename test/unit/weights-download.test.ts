/**
 * `cnnlab weights download NAME`: torchvision's published file into torch hub's cache (or --dir), its SHA-256 checked
 * against the prefix torchvision publishes; a file already there is used as is; offline, the message names the URL
 * and where to put the file. The network is replaced by fakes (no test downloads).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runWeights } from '../../src/cli/weights';
import { downloadFile } from '../../src/trainer/datasets/download';
import type { FetchLike } from '../../src/trainer/datasets/types';
import { downloadZooWeights, ZooDownloadError } from '../../src/weights/downloadZooWeights';
import { weightsCacheDir, ZOO_WEIGHTS } from '../../src/weights/zooWeights';
import { tempDir } from '../fixtures/datasets/generate';

const { fresh, cleanup } = tempDir('cnnlab-weights-dl-');
after(cleanup);

const serve = (bytes: Uint8Array): FetchLike => async () => ({ ok: true, status: 200, headers: { get: () => null }, body: (async function* () { yield bytes; })() });
const offline: FetchLike = async () => {
  throw new Error('fetch failed');
};

async function weights(args: string[], fetch: FetchLike): Promise<{ status: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const status = await runWeights(args, { out: (t) => void (out.stdout += t), err: (t) => void (out.stderr += t) }, fetch);
  return { status, ...out };
}

describe('cnnlab weights download', () => {
  it('offline: names the URL and where to put the file, and leaves nothing behind', async () => {
    const dir = fresh('offline');
    const r = await weights(['download', 'resnet18', '--dir', dir], offline);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`Without internet: fetch https://download\\.pytorch\\.org/models/resnet18-f37072fd\\.pth elsewhere and put it at ${dir}/resnet18-f37072fd\\.pth \\(its SHA-256 starts with f37072fd\\)`));
    assert.deepEqual(readdirSync(dir), []);
  });

  it('refuses a file whose SHA-256 is not the published one', async () => {
    const dir = fresh('corrupt');
    const r = await weights(['download', 'mobilenet_v2', '--dir', dir], serve(new Uint8Array([1, 2, 3])));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /checksum mismatch: SHA256 [0-9a-f]{64}, expected b0353104/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('uses a file already in the folder, and says which names it knows', async () => {
    const dir = fresh('cached');
    writeFileSync(join(dir, 'vgg16-397923af.pth'), 'x');
    const r = await weights(['download', 'vgg16', '--dir', dir], offline);
    assert.deepEqual([r.status, r.stdout], [0, `${join(dir, 'vgg16-397923af.pth')}\n`]);
    const unknown = await weights(['download', 'resnet19'], offline);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no published weights for 'resnet19' \(known: alexnet, vgg11, .*efficientnet_b0, googlenet\)/);
  });

  it('checks a SHA-256 prefix while downloading (torchvision publishes 8 hex digits)', async () => {
    const bytes = new Uint8Array([5, 6, 7, 8]);
    const digest = createHash('sha256').update(bytes).digest('hex');
    const dest = join(fresh('sha'), 'w.pth');
    await downloadFile(['https://x/w.pth'], dest, { algorithm: 'sha256', digest: digest.slice(0, 8) }, { fetch: serve(bytes) });
    assert.deepEqual([...readFileSync(dest)], [5, 6, 7, 8]);
    assert.ok(existsSync(dest));
  });

  it('cancels (the editor\'s Cancel button): says so, without the offline advice, and leaves nothing behind', async () => {
    const dir = fresh('cancel');
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(downloadZooWeights('resnet18', { dir, signal: abort.signal, fetch: serve(new Uint8Array([1, 2, 3])) }), (err: unknown) => {
      assert.ok(err instanceof ZooDownloadError && err.cancelled);
      assert.equal(err.message, 'Download of resnet18-f37072fd.pth cancelled.');
      return true;
    });
    assert.deepEqual(readdirSync(dir), []);
  });

  it('cancelled in the middle of the body, leaves no partial file (the stream may not have opened its file yet)', async () => {
    for (let i = 0; i < 20; i++) {
      const dir = fresh(`cancel-mid-${i}`);
      const abort = new AbortController();
      const body = (async function* () {
        yield new Uint8Array([1, 2, 3]);
        abort.abort();
        yield new Uint8Array([4, 5, 6]);
      })();
      const fetchMid: FetchLike = async () => ({ ok: true, status: 200, headers: { get: () => null }, body });
      await assert.rejects(downloadFile(['https://x/w.pth'], join(dir, 'w.pth'), undefined, { fetch: fetchMid, signal: abort.signal }), /cancelled/i);
      assert.deepEqual(readdirSync(dir), [], `attempt ${i}`);
    }
  });

  it('knows every zoo model, with the SHA-256 prefix of its file name', () => {
    const zoo = readdirSync(join(__dirname, '..', '..', 'examples', 'zoo')).map((f) => f.replace('.cnn.yaml', '')).sort();
    assert.deepEqual(Object.keys(ZOO_WEIGHTS).sort(), zoo);
    assert.deepEqual(ZOO_WEIGHTS.googlenet, { url: 'https://download.pytorch.org/models/googlenet-1378be20.pth', sha256: '1378be20' });
  });

  it('keeps files in torch hub\'s folder, so PyTorch\'s downloads are reused', () => {
    assert.equal(weightsCacheDir({ TORCH_HOME: '/t' }), '/t/hub/checkpoints');
    assert.equal(weightsCacheDir({ XDG_CACHE_HOME: '/c' }), '/c/torch/hub/checkpoints');
  });
});

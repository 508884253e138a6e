/**
 * web-app export in Chromium, no code-server: `cnnlab export RUN --format web-app --out DIR`, DIR served by a
 * static file server on loopback, a picture set on the page's file input (and one dropped on it): the page's top-k
 * classes and probabilities equal `cnnlab predict RUN IMAGE --json` (same classes in the same order, within 1e-4).
 * Two runs: a grayscale model trained briefly on `shapes`, and an RGB model with a test pipeline (Resize,
 * CenterCrop, Normalize) from its seeded initial weights.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { analyzeModel } from '../../src/model/analyze';
import { initBackend } from '../../src/trainer/backend';
import { untrainedRun } from '../unit/export-fixtures';
import { repoRoot } from './harness/paths';
import { poll } from './harness/poll';
import { launchChromium } from './harness/session';

const CLI = join(repoRoot, 'dist', 'cli.js');
const K = 3;

function cli(args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** A w×h PNG of smooth colour ramps with a bright disc: not the model's size, so resizing (and cropping) matter. */
function picture(path: string, width: number, height: number): string {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      const disc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 3) ** 2;
      png.data[i] = disc ? 240 : (255 * x) / width;
      png.data[i + 1] = disc ? 230 : (255 * y) / height;
      png.data[i + 2] = disc ? 40 : 128;
      png.data[i + 3] = 255;
    }
  }
  writeFileSync(path, PNG.sync.write(png));
  return path;
}

/** Serves `dir` read-only (GET only, no listing, no path outside it). */
function staticServer(dir: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.bin': 'application/octet-stream' };
  const server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent((req.url ?? '/').split('?')[0]).replace(/\/$/, '/index.html')));
    if (!path.startsWith(dir)) return void res.writeHead(403).end();
    try {
      const body = readFileSync(path);
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })));
}

interface Top {
  classIndex: number;
  probability: number;
}

/** The page's list after a picture: class indices and probabilities, most probable first. */
async function pageTopK(page: Page, source: string): Promise<Top[]> {
  return poll(`the web app's classes for ${source}`, async () => {
    if ((await page.locator('#status').textContent()) !== source) return undefined;
    const items = (await page.evaluate(`[...document.querySelectorAll('#results li')].map((li) => ({ classIndex: Number(li.dataset.classIndex), probability: Number(li.dataset.probability) }))`)) as Top[];
    return items.length > 0 ? items : undefined;
  }, { timeoutMs: 60_000, saw: async () => `status "${await page.locator('#status').textContent()}"` });
}

function predictTopK(runDir: string, image: string): Top[] {
  const json = JSON.parse(cli(['predict', runDir, image, '--json', '--top-k', String(K)]).trim().split('\n').pop() as string) as { probabilities: number[] };
  return json.probabilities.map((p, i) => ({ classIndex: i, probability: p })).sort((a, b) => b.probability - a.probability || a.classIndex - b.classIndex).slice(0, K);
}

function assertSameTopK(got: Top[], want: Top[]): void {
  assert.deepEqual(got.map((t) => t.classIndex), want.map((t) => t.classIndex), 'same classes in the same order');
  got.forEach((t, i) => assert.ok(Math.abs(t.probability - want[i].probability) <= 1e-4, `class ${t.classIndex}: page ${t.probability}, predict ${want[i].probability}`));
}

const RGB_MODEL = `
name: rgb-pipeline
input: [3, 24, 24]
classes: [cat, dog, bird, fish]
layers:
  - Conv2d(3, 6, 3, padding=1)
  - BatchNorm2d(6)
  - ReLU()
  - MaxPool2d(2)
  - Conv2d(6, 8, 3, padding=1)
  - ReLU()
  - AdaptiveAvgPool2d(2)
  - Flatten()
  - Linear(32, 4)
data:
  dataset: imagefolder
  path: pictures
  transforms:
    train:
      - Resize(28)
      - CenterCrop(28)
      - RandomCrop(24)
      - Normalize(mean=(0.5, 0.45, 0.4), std=(0.25, 0.2, 0.3))
    test:
      - Resize(28)
      - CenterCrop(24)
      - Normalize(mean=(0.5, 0.45, 0.4), std=(0.25, 0.2, 0.3))
`;

describe('web app export in Chromium', () => {
  let root: string;
  let browser: Browser;
  const servers: Server[] = [];
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'cnnlab-webapp-'));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    servers.forEach((s) => s.close());
    rmSync(root, { recursive: true, force: true });
  });

  async function openApp(runDir: string, name: string): Promise<Page> {
    const out = join(root, `${name}-app`);
    cli(['export', runDir, '--format', 'web-app', '--out', out]);
    const { server, url } = await staticServer(out);
    servers.push(server);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => assert.ok(r.url().startsWith(url), `the page fetched ${r.url()}: it must need nothing outside its folder`));
    await page.goto(`${url}?k=${K}`);
    await poll('the web app to load its model', async () => (await page.locator('body').getAttribute('data-ready')) === 'true', { saw: async () => `${await page.locator('#status').textContent()} ${errors.join('; ')}` });
    return page;
  }

  it("web app: a grayscale model trained on shapes gives predict's top-k for a picture set on the file input", { timeout: 240_000 }, async () => {
    const out = JSON.parse(cli(['train', join(repoRoot, 'examples', 'shapes.cnn.yaml'), '--epochs', '1', '--max-train-samples', '600', '--out', join(root, 'runs'), '--json']).trim().split('\n').pop() as string) as { runDir: string };
    const page = await openApp(out.runDir, 'shapes');
    const image = picture(join(root, 'disc.png'), 45, 37);
    await page.locator('#file').setInputFiles(image);
    assertSameTopK(await pageTopK(page, 'disc.png'), predictTopK(out.runDir, image));
  });

  it("web app: an RGB model with Resize, CenterCrop and Normalize gives predict's top-k for a dropped picture", { timeout: 240_000 }, async () => {
    const { tf } = await initBackend('cpu');
    const { runDir } = await untrainedRun(tf, analyzeModel(RGB_MODEL), RGB_MODEL, join(root, 'runs'));
    const page = await openApp(runDir, 'rgb');
    const image = picture(join(root, 'wide.png'), 61, 40);
    // A drop as the browser delivers it: a DragEvent whose DataTransfer holds the file.
    await page.evaluate(`(() => {
      const bytes = Uint8Array.from(atob('${readFileSync(image).toString('base64')}'), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'wide.png', { type: 'image/png' }));
      document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    })()`);
    assertSameTopK(await pageTopK(page, 'wide.png'), predictTopK(runDir, image));
    assert.ok(readdirSync(join(root, 'rgb-app')).includes('app.js'));
  });
});

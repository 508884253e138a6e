/**
 * The exported web app (cnnlab export RUN --format web-app): loads the TensorFlow.js graph model next to the page,
 * prepares a dropped picture with CNN Lab's own preprocessing code (the model's test pipeline: resize, crop,
 * grayscale or colour, normalisation) and lists the top-k classes. Everything runs in the page, offline.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import type { ExportMetadata } from '../../src/export/metadata';
import { prepareTestPicture } from '../../src/trainer/datasets/testPicture';

interface Ranked {
  index: number;
  name: string;
  probability: number;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const model = await loadGraphModel('model/model.json');
  const meta = model.metadata as unknown as ExportMetadata;
  const k = Math.min(Number(new URLSearchParams(location.search).get('k') ?? 5), meta.classes.length);
  $('title').textContent = meta.name;
  $('status').textContent = `Drop a picture: ${meta.classes.length} classes, input ${meta.preprocessing.input.join('×')}.`;
  const show = (file: File): void => {
    classify(model, meta, file, k).catch((err: unknown) => {
      $('status').textContent = `Cannot classify ${file.name}: ${err instanceof Error ? err.message : String(err)}`;
    });
  };
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) show(file);
  });
  $<HTMLInputElement>('file').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) show(file);
  });
  document.body.dataset.ready = 'true';
}

async function classify(model: GraphModel, meta: ExportMetadata, file: File, k: number): Promise<void> {
  const bitmap = await createImageBitmap(file, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const picture = prepareTestPicture({ data: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength), width: bitmap.width, height: bitmap.height }, meta.preprocessing, file.name);
  const probabilities = tf.tidy(() => {
    const x = tf.tensor4d(picture.x, [1, picture.height, picture.width, picture.channels]);
    return model.execute({ input: x }, 'probabilities') as tf.Tensor;
  });
  const values = Array.from(await probabilities.data());
  probabilities.dispose();
  drawPreview(picture.pixels, picture.width, picture.height, picture.channels);
  render(rank(values, meta.classes).slice(0, k), file.name);
}

function rank(probabilities: number[], classes: string[]): Ranked[] {
  return probabilities
    .map((p, i) => ({ index: i, name: classes[i] ?? `class ${i}`, probability: p }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index);
}

function render(top: Ranked[], source: string): void {
  $('status').textContent = source;
  const list = $('results');
  list.replaceChildren(
    ...top.map((r) => {
      const item = document.createElement('li');
      item.dataset.classIndex = String(r.index);
      item.dataset.probability = String(r.probability);
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${(100 * r.probability).toFixed(1)}%`;
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = `${r.name}  ${(100 * r.probability).toFixed(1)} %`;
      item.append(bar, label);
      return item;
    }),
  );
}

/** The picture as the model sees it (after resizing and cropping, before normalisation). */
function drawPreview(pixels: Uint8Array, width: number, height: number, channels: number): void {
  const canvas = $<HTMLCanvasElement>('preview');
  canvas.width = width;
  canvas.height = height;
  const image = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) image.data[4 * i + c] = pixels[i * channels + (channels === 1 ? 0 : c)];
    image.data[4 * i + 3] = 255;
  }
  (canvas.getContext('2d') as CanvasRenderingContext2D).putImageData(image, 0, 0);
}

main().catch((err: unknown) => {
  $('status').textContent = `Cannot load the model: ${err instanceof Error ? err.message : String(err)}`;
});

/**
 * Feature caching's speed-up, measured in one run: the zoo's resnet18 with everything up to avgpool frozen and a new
 * head (Linear(512, CLASSES)) trained for EPOCHS epochs on the same generated images (a validation split and a test
 * set too, as a run has), once as the whole frozen model (what a run did before caching) and once with the frozen
 * part's features computed once and the head trained on them (what a run does now; the caching time included).
 * Same engine calls as a run (trainModel); wasm backend with its default threads.
 *
 *   node --import tsx bench/feature-cache.ts [-- --size 112 --images 128 --epochs 3] [--stages N]
 *
 * With `--stages N`, a two-stage schedule instead: the head for `--epochs` epochs on frozen features, then N epochs
 * with layer4 unfrozen at a tenth of the rate; the cached run caches stage 1 only and trains stage 2 on the images.
 * Prints images/s (training images × epochs / wall time, validation and test passes included) and the ratio.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel, TASKS } from '../src/model';
import { frozenIndices } from '../src/model/freeze';
import { initBackend } from '../src/trainer/backend';
import { Random } from '../src/trainer/datasets/random';
import type { ImageSet } from '../src/trainer/datasets/types';
import { cacheFeatures, featureCachePlan } from '../src/trainer/engine/featureCache';
import { buildModel } from '../src/trainer/engine/model';
import { stagePlan } from '../src/trainer/engine/stagePlan';
import { trainModel, type TrainData } from '../src/trainer/engine/train';
import { numberFlag } from './cli';

const CLASSES = 4;
const size = numberFlag('size', 112);
const images = numberFlag('images', 128);
const headEpochs = numberFlag('epochs', 3);
const fineTuneEpochs = numberFlag('stages', 0);
const epochs = headEpochs + fineTuneEpochs;
const schedule = fineTuneEpochs > 0
  ? `epochs: ${epochs}, stages: [{epochs: ${headEpochs}, freeze: {until: avgpool}}, {epochs: ${fineTuneEpochs}, unfreeze: [layer4], lr: 0.001}]`
  : `epochs: ${epochs}, freeze: {until: avgpool}`;

/** Images whose class is a bright quadrant, with noise (learnable; the content does not change the timing). */
function set(count: number, seed: number): ImageSet {
  const rng = new Random(seed);
  const px = new Uint8Array(count * size * size * 3);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const k = rng.int(CLASSES);
    labels[i] = k;
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) {
      const q = (y < size / 2 ? 0 : 2) + (x < size / 2 ? 0 : 1);
      px[((i * size + y) * size + x) * 3 + c] = (q === k ? 170 : 50) + rng.int(60);
    }
  }
  return { images: px, labels, count, height: size, width: size, channels: 3 };
}

async function main(): Promise<void> {
  const zoo = readFileSync(join(__dirname, '..', 'examples', 'zoo', 'resnet18.cnn.yaml'), 'utf8');
  const text = zoo
    .replace(/^input: .*$/m, `input: [3, ${size}, ${size}]`)
    .replace('fc: Linear(512, 1000)', `fc: Linear(512, ${CLASSES})`)
    .replace(/^data:[\s\S]*$/m, `data: {dataset: shapes}\ntrain: {${schedule}, batch_size: 32, lr: 0.01, seed: 1}\n`);
  const analysis = analyzeModel(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  const { tf, description } = await initBackend('wasm');
  const data = (): TrainData => ({ train: set(images, 1), validation: set(images / 4, 2), test: set(images / 4, 3), classes: Array.from({ length: CLASSES }, (_, i) => String(i)) });
  const config = analysis.train;
  // Stage 1's frozen layers (the model's without stages).
  const frozen = stagePlan(config, epochs)[0].frozen ?? frozenIndices(analysis.layers);

  const whole = buildModel(tf, analysis.graph, 1);
  whole.freeze(frozen);
  let t0 = performance.now();
  const a = await trainModel(tf, whole, data(), { config, dataWorkers: 0 });
  const plainSeconds = (performance.now() - t0) / 1000;
  whole.dispose();

  const model = buildModel(tf, analysis.graph, 1);
  model.freeze(frozen);
  const sets = data();
  const plan = featureCachePlan({ graph: analysis.graph, frozen, target: TASKS[analysis.task].target, trainSteps: [], images: sets.train.count + sets.validation.count + sets.test.count });
  if (!('node' in plan)) throw new Error(plan.reason);
  t0 = performance.now();
  const { features, head } = model.split(plan.node);
  const cache = async (s: ImageSet) => (await cacheFeatures(tf, features, s, plan.shape, { batchSize: config.batch_size, seed: config.seed, transforms: [] })) as ImageSet;
  const cached: TrainData = { train: await cache(sets.train), validation: await cache(sets.validation), test: await cache(sets.test), classes: sets.classes };
  const cacheSeconds = (performance.now() - t0) / 1000;
  // As a run does: the first stage (or the whole run) on the features, a fine-tuning stage on the images.
  const b = await trainModel(tf, model, sets, { config, dataWorkers: 0, cached: { head, data: cached, stages: 1 } });
  const cachedSeconds = (performance.now() - t0) / 1000;
  model.dispose();

  const rate = (s: number) => (images * epochs) / s;
  const what = fineTuneEpochs > 0 ? `${headEpochs} epochs of the head (resnet18 frozen up to avgpool), then ${fineTuneEpochs} with layer4 unfrozen` : 'resnet18 frozen up to avgpool';
  console.log(`${what}, head Linear(512, ${CLASSES}); ${images} training images of 3×${size}×${size} (+${images / 4} validation, +${images / 4} test), ${epochs} epochs, batch 32; ${description}`);
  console.log(`  whole frozen model : ${plainSeconds.toFixed(1)} s, ${rate(plainSeconds).toFixed(1)} images/s (test accuracy ${a.test?.accuracy?.toFixed(3)})`);
  console.log(`  cached features    : ${cachedSeconds.toFixed(1)} s (caching ${cacheSeconds.toFixed(1)} s), ${rate(cachedSeconds).toFixed(1)} images/s (test accuracy ${b.test?.accuracy?.toFixed(3)})`);
  if (fineTuneEpochs > 0) console.log(`  speed-up ×${(plainSeconds / cachedSeconds).toFixed(1)} for the ${epochs} epochs (stage 2 trains on the images in both)`);
  else console.log(`  speed-up ×${(plainSeconds / cachedSeconds).toFixed(1)} for ${epochs} epochs; each further epoch ×${((plainSeconds / epochs) / Math.max((cachedSeconds - cacheSeconds) / epochs, 1e-9)).toFixed(0)}`);
}

void main();

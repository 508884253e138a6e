/**
 * Test images with their reconstructions, for the results' "which images fall in this histogram bin?": a bounded
 * sample of the test pass spread over the whole error range, so every bin the panel draws (whatever its width) has
 * images to show. Errors are grouped in fine logarithmic bins (50 per decade, bins ~5 % wide) per group (normal,
 * anomalous); each keeps a seeded reservoir of at most `perBin` images. When the pixels kept would pass
 * `budgetBytes` (large images), the reservoirs shrink, and at one image each the bins merge pairwise (coarser bins),
 * so the budget holds whatever the image size. `reconstructions.bin` holds, per kept image in index order, its
 * clean input and then its reconstruction (uint8 HWC each); reconstructions.json lists them in `stored`.
 */
import { open } from 'node:fs/promises';
import { Random } from '../datasets/random';

export const RECONSTRUCTION_IMAGES_FILE = 'reconstructions.bin';

/** Fine bins per decade of error at the start; merging halves it. */
const BINS_PER_DECADE = 50;
/** Errors below this share the first bin (a perfect reconstruction has error 0). */
const SMALLEST_ERROR = 1e-9;

export interface SampleLimits {
  /** Images kept per fine bin and group (default 6). */
  perBin?: number;
  /** Pixels kept in all (inputs and reconstructions), in bytes (default 16 MiB). */
  budgetBytes?: number;
}

interface Kept {
  index: number;
  error: number;
  group: number;
  input: Uint8Array;
  output: Uint8Array;
}

/** The bounded reservoirs of one test pass; `offer` each image, then `kept()`. */
export class ReconstructionSampler {
  private bins = new Map<string, { seen: number; kept: Kept[] }>();
  private readonly random = new Random(20261206);
  private perBin: number;
  private binsPerDecade = BINS_PER_DECADE;
  private readonly budget: number;
  private keptBytes = 0;

  constructor(private readonly imageBytes: number, limits: SampleLimits = {}) {
    this.perBin = Math.max(1, limits.perBin ?? 6);
    this.budget = limits.budgetBytes ?? 16 * 1024 * 1024;
  }

  /** One test image: `pixels()` gives its input and reconstruction bytes, asked only when the image is kept. */
  offer(index: number, error: number, group: number, pixels: () => { input: Uint8Array; output: Uint8Array }): void {
    const key = this.key(error, group);
    let bin = this.bins.get(key);
    if (!bin) this.bins.set(key, (bin = { seen: 0, kept: [] }));
    bin.seen += 1;
    // Reservoir sampling: every image of the bin has the same chance to be kept, whatever its position.
    const slot = bin.kept.length < this.perBin ? bin.kept.length : this.random.int(bin.seen);
    if (slot >= this.perBin) return;
    const { input, output } = pixels();
    if (slot === bin.kept.length) this.keptBytes += 2 * this.imageBytes;
    bin.kept[slot] = { index, error, group, input, output };
    while (this.keptBytes > this.budget && (this.perBin > 1 || this.bins.size > 1)) this.shrink();
  }

  /** The kept images in test-set order. */
  kept(): Kept[] {
    return [...this.bins.values()].flatMap((b) => b.kept).sort((a, b) => a.index - b.index);
  }

  private key(error: number, group: number): string {
    return `${group}:${Math.floor(Math.log10(Math.max(error, SMALLEST_ERROR)) * this.binsPerDecade)}`;
  }

  /** Halves the reservoirs, or at one image each, merges neighbouring bins (each keeps one of its images). */
  private shrink(): void {
    if (this.perBin > 1) this.perBin = Math.max(1, Math.floor(this.perBin / 2));
    else {
      this.binsPerDecade /= 2;
      const merged = new Map<string, { seen: number; kept: Kept[] }>();
      for (const bin of this.bins.values()) {
        const key = this.key(bin.kept[0].error, bin.kept[0].group);
        const into = merged.get(key);
        if (into) [into.seen, into.kept] = [into.seen + bin.seen, [...into.kept, ...bin.kept]];
        else merged.set(key, { seen: bin.seen, kept: [...bin.kept] });
      }
      this.bins = merged;
    }
    this.keptBytes = 0;
    for (const bin of this.bins.values()) {
      bin.kept.length = Math.min(bin.kept.length, this.perBin);
      this.keptBytes += bin.kept.length * 2 * this.imageBytes;
    }
  }
}

/** Input and reconstruction bytes of stored slot `slot` (null when the file is missing or truncated). */
export async function readReconstructionSlots(path: string, slots: number[], imageBytes: number): Promise<Array<{ input: Uint8Array; output: Uint8Array } | null>> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return slots.map(() => null);
  }
  try {
    const out: Array<{ input: Uint8Array; output: Uint8Array } | null> = [];
    for (const slot of slots) {
      const bytes = new Uint8Array(2 * imageBytes);
      const { bytesRead } = await file.read(bytes, 0, bytes.length, slot * bytes.length);
      out.push(bytesRead < bytes.length ? null : { input: bytes.subarray(0, imageBytes), output: bytes.subarray(imageBytes) });
    }
    return out;
  } finally {
    await file.close();
  }
}

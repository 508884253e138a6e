/**
 * Detection boxes over a strip image, as the panel draws them at a score threshold: true boxes dashed, the detections
 * scoring at or above the threshold solid and labelled with their class and score, each in its class's colour
 * (classPalette.ts: as the inspector's class plots and `cnnlab predict --out`); the image's missed objects and false detections at that threshold
 * (imageErrors: matched in score order at IoU ≥ 0.5) are flagged and counted. Pure: the DOM view strokes the result.
 */
import { classCss } from '../../src/protocol/classPalette';
import type { Box } from '../../src/model/detection/boxes';
import { imageErrors } from '../../src/model/detection/imageErrors';
import type { RowBoxes, StripBox } from '../../src/protocol/sampleStrip';

export interface BoxColour {
  name: string;
  css: string;
}

/** The legend: one colour per class. */
export function boxColours(classes: readonly string[]): BoxColour[] {
  return classes.map((name, c) => ({ name, css: classCss(c) }));
}

export interface DrawnBox {
  /** Canvas pixels (the strip's pixels × scale). */
  x: number;
  y: number;
  width: number;
  height: number;
  css: string;
  /** A true box (dashed) or a detection (solid). */
  truth: boolean;
  /** A missed true box, or a false detection, at the threshold. */
  error: boolean;
  /** `circle 0.87` for detections, `circle (missed)` for missed objects, '' for found ones. */
  label: string;
}

export interface BoxesAtThreshold {
  boxes: DrawnBox[];
  /** Detections at or above the threshold. */
  shown: number;
  missed: number;
  falseDetections: number;
}

const corners = (b: StripBox): Box => [b.x1, b.y1, b.x2, b.y2];

/** What an image shows at `threshold`, scaled by `scale` (true boxes first, so detections are drawn over them). */
export function boxesAt(row: RowBoxes, legend: readonly BoxColour[], threshold: number, scale: number): BoxesAtThreshold {
  const truth = row.truth.map((b) => ({ cls: b.cls, box: corners(b) }));
  const detections = row.predicted.map((b) => ({ cls: b.cls, score: b.score, box: corners(b) }));
  const e = imageErrors(truth, detections, threshold);
  const missed = new Set(e.missed);
  const falseDetections = new Set(e.falseDetections);
  const name = (cls: number) => legend[cls]?.name ?? String(cls);
  const drawn = (b: StripBox, truthBox: boolean, error: boolean, label: string): DrawnBox => ({
    x: b.x1 * scale, y: b.y1 * scale, width: (b.x2 - b.x1) * scale, height: (b.y2 - b.y1) * scale,
    css: legend[b.cls]?.css ?? classCss(b.cls), truth: truthBox, error, label,
  });
  const boxes = row.truth.map((b, g) => drawn(b, true, missed.has(g), missed.has(g) ? `${name(b.cls)} (missed)` : ''));
  let shown = 0;
  row.predicted.forEach((b, d) => {
    if (b.score < threshold) return;
    shown += 1;
    boxes.push(drawn(b, false, falseDetections.has(d), `${name(b.cls)} ${b.score.toFixed(2)}`));
  });
  return { boxes, shown, missed: e.missed.length, falseDetections: e.falseDetections.length };
}

/** `3 objects · 3 shown · 1 missed · 1 false` (an image's caption under its boxes). */
export function boxCaption(row: RowBoxes, at: BoxesAtThreshold): string {
  const objects = `${row.truth.length} object${row.truth.length === 1 ? '' : 's'}`;
  const errors = at.missed + at.falseDetections === 0 ? 'all found' : [at.missed ? `${at.missed} missed` : '', at.falseDetections ? `${at.falseDetections} false` : ''].filter(Boolean).join(' · ');
  return `${objects} · ${at.shown} shown · ${errors}`;
}

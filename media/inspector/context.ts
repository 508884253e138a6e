/** What every tab of the Inspector page shares: the controller, the open run, the current input. */
import type { InspectResult, LayerInfo, RunInfo } from '../../src/protocol/inspect';
import type { InspectorController } from './controller';
import { select } from './dom';

export type InputResult = Extract<InspectResult, { kind: 'input' }>;

export interface TabContext {
  controller: InspectorController;
  info: RunInfo;
  /** The current input image and its predictions, once one is chosen. */
  input(): InputResult | undefined;
}

/** One tab of the page. `refresh` runs when the tab is shown after the input changed (or on first show). */
export interface Tab {
  readonly title: string;
  readonly element: HTMLElement;
  /** Whether the tab needs an input image. */
  readonly needsInput: boolean;
  refresh(): void;
}

/** The class to explain by default: the top prediction. */
export function predictedClass(input: InputResult | undefined): number {
  return input?.predictions[0]?.classIndex ?? 0;
}

/** Options for class <select>s: index → name. */
export function classOptions(info: RunInfo): Array<[string, string]> {
  return info.classes.map((name, i) => [String(i), `${i}: ${name}`]);
}

/** A layer in <select>s: index, its names in a graph model, the layer as written and its output shape. */
export function layerLabel(l: LayerInfo): string {
  const names = l.names?.length ? `${l.names.join(', ')} = ` : '';
  return `${l.index}. ${names}${l.text} → [${l.outputShape.join(', ')}]`;
}

/** Options for layer <select>s; `spatialOnly`: layers with a [C, H, W] output (Grad-CAM's choices). */
export function layerOptions(info: RunInfo, spatialOnly = false): Array<[string, string]> {
  return info.layers.filter((l) => !spatialOnly || l.outputShape.length === 3).map((l) => [String(l.index), layerLabel(l)]);
}

/** The layer the visualisations start on (the run's choice, else the last layer). */
export function defaultVisualLayer(info: RunInfo): number {
  return info.visualLayer ?? info.layers.at(-1)?.index ?? 1;
}

/** Whether the class <select> means anything: a reconstruction run's views differentiate its output's error. */
export function hasClasses(info: RunInfo): boolean {
  return info.task !== 'reconstruction';
}

/**
 * The class a tab explains: the top prediction of each new input until the user picks one in the <select>
 * (then that one stays).
 */
export class ClassChoice {
  readonly select: HTMLSelectElement;
  index = 0;
  private chosen = false;

  constructor(info: RunInfo, onChange: () => void) {
    this.select = select(classOptions(info), '0', (value) => {
      this.index = Number(value);
      this.chosen = true;
      onChange();
    });
  }

  /** Follows the current input's top prediction unless a class was picked. */
  follow(input: InputResult | undefined): void {
    if (this.chosen) return;
    this.index = predictedClass(input);
    this.select.value = String(this.index);
  }
}

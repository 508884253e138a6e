/** What every tab of the Inspector page shares: the controller, the open run, the current input. */
import type { InspectResult, RunInfo } from '../../src/protocol/inspect';
import type { InspectorController } from './controller';

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

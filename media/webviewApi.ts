/**
 * The part of VS Code's webview API our pages use, typed by the state they keep. Pages receive it as a
 * parameter (never through a global) so their logic runs in tests with a fake.
 */
export interface WebviewApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

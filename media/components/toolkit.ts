/**
 * The only module that imports @vscode/webview-ui-toolkit (deprecated upstream; successor
 * @vscode-elements/elements): swapping the library means changing this folder only.
 */
import { provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeDataGrid, vsCodeDataGridCell, vsCodeDataGridRow } from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the custom elements our components render (once per page). */
export function registerComponents(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDataGrid(), vsCodeDataGridRow(), vsCodeDataGridCell(), vsCodeBadge());
}

/** Tag names of the elements, so callers never spell the library's names. */
export const TAGS = {
  grid: 'vscode-data-grid',
  row: 'vscode-data-grid-row',
  cell: 'vscode-data-grid-cell',
  badge: 'vscode-badge',
  button: 'vscode-button',
} as const;

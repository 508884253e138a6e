/**
 * Ids of the inspector as contributed in package.json: its commands and its webview panel type (the
 * `onWebviewPanel:` activation event). No vscode import, so a manifest test can read them.
 */
export const INSPECTOR_COMMANDS = {
  /** "CNN Lab: Inspect Run": from a runs-view row, a run folder path or Uri, or a quick pick of runs. */
  inspectRun: 'cnnlab.inspectRun',
  /** Shows a layer's feature maps in the open inspector (args: layer index, optional run folder). */
  showLayerMaps: 'cnnlab.inspector.showLayer',
} as const;

export const INSPECTOR_VIEW_TYPE = 'cnnlab.inspector';

/**
 * A `command:` link for hovers on a layer line ("Show feature maps"): opens the layer's maps in the open
 * inspector. Hover markdown must be trusted for the command (MarkdownString.isTrusted = { enabledCommands: [...] }).
 */
export function showLayerMapsLink(layer: number, runDir?: string): string {
  const args = runDir ? [layer, runDir] : [layer];
  return `command:${INSPECTOR_COMMANDS.showLayerMaps}?${encodeURIComponent(JSON.stringify(args))}`;
}

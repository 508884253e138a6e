/** The VS Code user settings the end-to-end profile starts with, and the two themes screenshots are taken in. */

export type Theme = 'light' | 'dark';

/** VS Code's built-in theme for each {@link Theme}, as the `workbench.colorTheme` setting names it. */
export const themeNames: Record<Theme, string> = {
  light: 'Default Light Modern',
  dark: 'Default Dark Modern',
};

/** CSS class `.monaco-workbench` carries once a theme of that kind is applied. */
export const themeClasses: Record<Theme, string> = { light: 'vs', dark: 'vs-dark' };

/** CSS class the body of every webview page carries in a theme of that kind. */
export const webviewThemeClasses: Record<Theme, string> = { light: 'vscode-light', dark: 'vscode-dark' };

/** Themes to screenshot, from CNNLAB_E2E_THEMES ("light,dark" by default). */
export function screenshotThemes(): Theme[] {
  const wanted = (process.env.CNNLAB_E2E_THEMES ?? 'light,dark').split(',').map((t) => t.trim());
  return (['light', 'dark'] as const).filter((t) => wanted.includes(t));
}

/**
 * A quiet, deterministic profile: no welcome page, tips, telemetry, update checks or workspace trust prompt,
 * short hover delay, inlay hints always on.
 */
export function userSettings(theme: Theme): Record<string, unknown> {
  return {
    'workbench.colorTheme': themeNames[theme],
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.enableExperiments': false,
    'workbench.editor.enablePreview': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'chat.disableAIFeatures': true,
    'editor.hover.delay': 150,
    'editor.inlayHints.enabled': 'on',
    'editor.minimap.enabled': false,
    'files.autoSave': 'off',
    'window.restoreWindows': 'none',
    'workbench.editor.restoreViewState': false,
  };
}

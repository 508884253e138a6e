// Integration suite: mocha inside a real VS Code's extension host (@vscode/test-cli + @vscode/test-electron).
// Run it through `npm run test:integration` (scripts/test-integration.mjs): that script bundles the tests to
// out/test/integration, copies the fixtures to a fresh workspace, and skips when no VS Code can be had.
// VSCODE_EXECUTABLE_PATH points at an installed VS Code instead of downloading one; CNNLAB_IT_GREP selects tests.
import { defineConfig } from '@vscode/test-cli';

const executable = process.env.VSCODE_EXECUTABLE_PATH;

export default defineConfig({
  label: 'integration',
  files: 'out/test/integration/**/*.test.js',
  version: process.env.VSCODE_VERSION ?? 'stable',
  workspaceFolder: process.env.CNNLAB_IT_WORKSPACE ?? 'test/fixtures/integration',
  ...(executable ? { useInstallation: { fromPath: executable } } : {}),
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-gpu'],
  mocha: { ui: 'tdd', timeout: 60_000, color: false, ...(process.env.CNNLAB_IT_GREP ? { grep: process.env.CNNLAB_IT_GREP } : {}) },
});

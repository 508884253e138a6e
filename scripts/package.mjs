// `npm run package`: a production build, then a .vsix with @vscode/vsce holding only what .vscodeignore lets
// through (bundled JS, tfjs .wasm files, media, package.json, README, LICENSE). Dependencies are bundled by
// esbuild, so vsce is told not to add node_modules. Prints the file list and the size it wrote.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const out = process.env.CNNLAB_VSIX ?? `${pkg.name}-${pkg.version}.vsix`;
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

run(process.execPath, ['scripts/build.mjs', '--production']);
if (!existsSync(pkg.main)) {
  console.error(`package: ${pkg.main} (package.json "main") was not built; is src/extension.ts there?`);
  process.exit(1);
}
const vsce = require.resolve('@vscode/vsce/vsce');
const flags = ['--no-dependencies', '--allow-missing-repository', '--out', out];
if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(f))) flags.push('--skip-license');
run(process.execPath, [vsce, 'package', ...flags]);
console.log(`package: wrote ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB)`);

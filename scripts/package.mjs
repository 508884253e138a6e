// `npm run package`: a production build, then a .vsix with @vscode/vsce holding only what .vscodeignore lets
// through (bundled JS, tfjs .wasm files, media, package.json, README, LICENSE). Dependencies are bundled by
// esbuild, so vsce is told not to add node_modules. Prints the file list and the size it wrote.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
const readme = packagedReadme();
if (readme) flags.push('--readme-path', readme.path, '--ignoreFile', readme.ignoreFile);
try {
  run(process.execPath, [vsce, 'package', ...flags]);
} finally {
  readme?.remove();
}
console.log(`package: wrote ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB)`);

/**
 * vsce refuses README links and images with relative paths unless it knows the repository to point them at.
 * Without a "repository" in package.json, the packaged README shows such links as their text and images as their
 * alt text (the repository's README keeps them).
 */
function packagedReadme() {
  if (pkg.repository || !existsSync('README.md')) return undefined;
  const text = readFileSync('README.md', 'utf8');
  const relativeLink = /(!?)\[([^\]]*)\]\((?![a-z]+:|#)[^)]*\)/gi;
  if (!relativeLink.test(text)) return undefined;
  // vsce only takes a readme from inside the package folder (dist/ is rebuilt by every package run), and the
  // root README.md must then stay out of the package (one README.md per .vsix).
  const path = 'dist/README.md';
  const ignoreFile = 'dist/.vscodeignore';
  writeFileSync(path, text.replace(relativeLink, (_, image, label) => (image ? `*${label || 'image'}*` : label)));
  writeFileSync(ignoreFile, readFileSync('.vscodeignore', 'utf8').replace(/^!README\.md$/m, ''));
  return { path, ignoreFile, remove: () => [path, ignoreFile].forEach((f) => rmSync(f, { force: true })) };
}

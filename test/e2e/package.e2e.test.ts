/** The .vsix that `npm run package` builds holds only what the extension runs, nothing from the sources. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { findVsix, repoRoot } from './harness/paths';

/** Every string in package.json that names a file of the checkout ("./dist/extension.js", "media/icon.png"…). */
function referencedFiles(value: unknown): string[] {
  if (typeof value === 'string') {
    const path = posix.normalize(value);
    return /^[\w.-]+(\/[\w.-]+)*\.[\w-]+$/.test(path) && existsSync(join(repoRoot, path)) && path !== 'package.json' ? [path] : [];
  }
  if (Array.isArray(value)) return value.flatMap(referencedFiles);
  if (value && typeof value === 'object') return Object.values(value).flatMap(referencedFiles);
  return [];
}

const allowed = [
  /^extension\/package\.json$/,
  /^extension\/language-configuration\.json$/,
  /^extension\/snippets\/[^/]+\.code-snippets$/,
  /^extension\/syntaxes\/[^/]+\.json$/,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/LICENSE(\.md|\.txt)?$/i,
  /^extension\/dist\/.+\.(js|wasm|css|ttf|svg|png)$/,
  /^extension\/media\/.+\.(css|svg|png|jpg|gif|ttf|woff2?)$/,
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
];

test('package: the .vsix holds only bundles, wasm, media and the manifest', () => {
  const vsix = findVsix();
  assert.ok(vsix, 'no .vsix found: run npm run package');
  const entries = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter((e) => e && !e.endsWith('/'));
  const unexpected = entries.filter((e) => !allowed.some((p) => p.test(e)));
  assert.deepEqual(unexpected, [], `unexpected files in ${vsix}`);
  for (const needed of ['extension/dist/extension.js', 'extension/dist/worker.js', 'extension/dist/tree-sitter/tree-sitter-python.wasm']) {
    assert.ok(entries.includes(needed), `${needed} missing from ${vsix}`);
  }
  assert.ok(entries.some((e) => /^extension\/dist\/.*\.wasm$/.test(e)), `no tfjs .wasm file in ${vsix}`);
});

test('package: every file package.json points at (grammar, snippets, icons, bundles) is in the .vsix', () => {
  const vsix = findVsix();
  assert.ok(vsix, 'no .vsix found: run npm run package');
  const entries = new Set(execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n'));
  const manifest: unknown = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const referenced = [...new Set(referencedFiles(manifest))];
  assert.ok(referenced.includes('dist/extension.js'), `package.json's main was not found among ${referenced.join(', ')}`);
  const missing = referenced.filter((f) => !entries.has(`extension/${f}`));
  assert.deepEqual(missing, [], `files package.json references but ${vsix} lacks`);
});

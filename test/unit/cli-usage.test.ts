/**
 * The CLI as a user meets it (the bundled `cnnlab` as a child process): every command answers --help with its
 * usage and exit 0, and training prints each loader status once ("Reading fashion-mnist" used to come twice).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { commands } from '../../src/cli/commands';
import { writeIdxSet } from '../fixtures/datasets/generate';
import { bundledCli } from './cli-bundle';

const cnnlab = bundledCli();
const dir = mkdtempSync(join(tmpdir(), 'cnnlab-usage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('cnnlab --help', () => {
  it('every command prints its usage on stdout and exits 0', () => {
    const names = commands.map((c) => c.name);
    assert.deepEqual([...names].sort(), ['evaluate', 'export', 'import', 'inspect', 'install-backend', 'predict', 'summary', 'train', 'weights']);
    for (const name of names) {
      for (const flag of ['--help', '-h']) {
        const r = cnnlab([name, flag]);
        assert.equal(r.status, 0, `${name} ${flag}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Usage: cnnlab ${name} `), `${name} ${flag}`);
        assert.equal(r.stderr, '');
      }
    }
    // --help wins over anything else on the line, even arguments the command would reject.
    assert.equal(cnnlab(['train', 'missing.cnn.yaml', '--epochs', 'x', '--help']).status, 0);
    assert.match(cnnlab(['help', 'evaluate']).stdout, /^Usage: cnnlab evaluate RUN \[--checkpoint best\|last\] \[--json\]/);
  });

  it('the top level lists every command and exits 0; no command is a usage error (2)', () => {
    const r = cnnlab(['--help']);
    assert.equal(r.status, 0);
    for (const c of commands) assert.ok(r.stdout.includes(`cnnlab ${c.usage}`), c.name);
    assert.equal(cnnlab([]).status, 2);
  });

  it('usage mistakes exit 2 with the usage, whatever the command (one shared flag parser)', () => {
    for (const args of [['install-backend'], ['install-backend', 'tensorflow', '--bogus'], ['install-backend', 'tensorflow', '--dir'], ['summary', '--bogus', 'x.cnn.yaml'], ['train', 'a.cnn.yaml', '--epochs', '0'], ['evaluate', 'run', '--checkpoint', 'worst'], ['export', 'run', '--format', 'bogus', '--out', 'x'], ['export', 'run', '--format', 'pytorch'], ['export', '--out', 'x', '--format', 'pytorch'], ['import', 'w.pth'], ['import', '--model', 'm.cnn.yaml']]) {
      const r = cnnlab(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^cnnlab ${args[0]}: .+\\n[Uu]sage: `), args.join(' '));
    }
  });
});

describe('cnnlab train progress', () => {
  it('prints "Reading fashion-mnist" once', () => {
    writeIdxSet(join(dir, 'idx'), { gzip: true, train: 64, test: 16, h: 28, w: 28 });
    const file = join(dir, 'fashion.cnn.yaml');
    writeFileSync(file, [
      'name: fashion-tiny',
      'input: [1, 28, 28]',
      'layers: [Flatten(), Linear(784, 10)]',
      'data: {dataset: fashion-mnist, path: idx, validation_split: 0}',
      'train: {epochs: 1, batch_size: 32}',
      '',
    ].join('\n'));
    const r = cnnlab(['train', file, '--backend', 'wasm', '--out', join(dir, 'runs')]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.split('\n').filter((line) => line.startsWith('Reading fashion-mnist')).length, 1, r.stderr);
  });
});

/**
 * The editor side of the PyTorch export, without VS Code: the torchrun command line from the settings (with the
 * --redirects 1 --tee 1 workaround by default), the run folder train.py announces through torchrun's --tee prefix,
 * the follower that turns a growing metrics.jsonl into live records, and the manifest (workspace extension, commands).
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CONFIG_DEFAULTS } from '../../src/config';
import type { MetricRecord } from '../../src/protocol/runTypes';
import { followMetrics } from '../../src/training/pytorch/followMetrics';
import { freePort } from '../../src/training/pytorch/freePort';
import { announcedRunFolder, torchrunCommand, torchrunLauncher } from '../../src/training/pytorch/torchrunCommand';
import { RUN_COMMANDS, TRAINING_COMMANDS } from '../../src/training/ids';

const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));

describe('Train with PyTorch: command line and live run', () => {
  it('runs torchrun with the Debian workaround flags and the settings\' interpreter and process count', () => {
    const { command, args } = torchrunCommand({ command: CONFIG_DEFAULTS.pytorchCommand, python: '/venv/bin/python', nprocPerNode: 3, port: 40123 }, '/x/train.py', '/ws/.cnnlab/runs');
    assert.equal(command, '/venv/bin/python');
    assert.deepEqual(args, ['-m', 'torch.distributed.run', '--rdzv_backend', 'c10d', '--rdzv_endpoint', 'localhost:40123', '--nnodes', '1', '--redirects', '1', '--tee', '1', '--nproc_per_node=3', '/x/train.py', '--out', '/ws/.cnnlab/runs']);
    assert.deepEqual(torchrunCommand({ command: ['{python}'], python: 'python3', nprocPerNode: 2, port: 1 }, 't.py', 'o'), { command: 'python3', args: ['t.py', '--out', 'o'] });
    // The manifest's default is the same launcher.
    assert.deepEqual(manifest.contributes.configuration.properties['cnnlab.pytorch.command'].default, CONFIG_DEFAULTS.pytorchCommand);
  });

  it('gives two runs started at once two rendezvous ports (torch 1.13 --standalone fixes one at 29400)', async () => {
    const ports = await Promise.all([freePort(), freePort()]);
    assert.ok(ports.every((p) => Number.isInteger(p) && p > 0 && p !== 29400));
    const launch = (port: number) => torchrunLauncher({ command: CONFIG_DEFAULTS.pytorchCommand, python: 'python3', nprocPerNode: 2, port });
    assert.ok(launch(ports[0]).includes(`localhost:${ports[0]}`) && !launch(ports[0]).includes('--standalone'));
  });

  it('finds the run folder in train.py\'s output, with or without torchrun\'s rank prefix', () => {
    assert.equal(announcedRunFolder('[default0]:run folder: /w/runs/m/2026-01-01_00-00-00'), '/w/runs/m/2026-01-01_00-00-00');
    assert.equal(announcedRunFolder('run folder: /my runs/m/x  '), '/my runs/m/x');
    assert.equal(announcedRunFolder('[default0]:epoch 1/3: loss 0.5'), undefined);
  });

  it('follows metrics.jsonl from its current end, line by line, holding a partial last line back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnlab-follow-'));
    try {
      const path = join(dir, 'metrics.jsonl');
      const line = (epoch: number): string => JSON.stringify({ kind: 'epoch', epoch, loss: 1 / epoch }) + '\n';
      writeFileSync(path, line(1));
      const seen: MetricRecord[] = [];
      const follower = followMetrics(path, (r) => seen.push(r), 60_000);
      follower.poll();
      assert.equal(seen.length, 0);
      appendFileSync(path, line(2) + 'not json\n' + line(3).slice(0, 10));
      follower.poll();
      assert.deepEqual(seen.map((r) => r.epoch), [2]);
      appendFileSync(path, line(3).slice(10));
      follower.poll();
      follower.dispose();
      assert.deepEqual(seen.map((r) => r.epoch), [2, 3]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the manifest declares a workspace extension, the commands and the run view\'s Export', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    const commands = manifest.contributes.commands.map((c: { command: string }) => c.command);
    for (const id of [TRAINING_COMMANDS.trainWithPyTorch, TRAINING_COMMANDS.importWeights, RUN_COMMANDS.export]) assert.ok(commands.includes(id), id);
    assert.ok(manifest.contributes.menus['view/item/context'].some((m: { command: string; when: string }) => m.command === RUN_COMMANDS.export && m.when.includes('cnnlab.run')));
    assert.deepEqual(manifest.contributes.configuration.properties['cnnlab.pytorch.command'].default, CONFIG_DEFAULTS.pytorchCommand);
    assert.equal(manifest.contributes.configuration.properties['cnnlab.pytorch.nprocPerNode'].default, CONFIG_DEFAULTS.pytorchNprocPerNode);
  });
});

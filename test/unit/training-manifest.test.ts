/**
 * package.json's training contributions match the code: every training/runs command is contributed and
 * registered, the runs view sits in the CNN Lab activity-bar container, the panels restore on reload, and the
 * run-row menus target the context values the tree sets.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMPARE_VIEW_TYPE, RUN_COMMANDS, RUNS_CONTAINER_ID, RUNS_VIEW_ID, TRAINING_COMMANDS, TRAINING_VIEW_TYPE } from '../../src/training/ids';

const root = join(__dirname, '..', '..');
const read = (p: string): string => readFileSync(join(root, p), 'utf8');
const pkg = JSON.parse(read('package.json'));

describe('training manifest', () => {
  it('contributes and registers every training and runs command', () => {
    const contributed = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    const sources = ['src/training/registerTraining.ts', 'src/webviews/runs/runsCommands.ts'].map(read).join('\n');
    for (const [table, ids] of [['TRAINING_COMMANDS', TRAINING_COMMANDS], ['RUN_COMMANDS', RUN_COMMANDS]] as const) {
      for (const [key, id] of Object.entries(ids)) {
        assert.ok(contributed.has(id), `${id} is contributed`);
        assert.ok(sources.includes(`${table}.${key}`), `${id} is registered`);
      }
    }
  });

  it('puts the runs view in the CNN Lab container, with an icon that exists', () => {
    const container = pkg.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === RUNS_CONTAINER_ID);
    assert.equal(container.title, 'CNN Lab');
    assert.ok(existsSync(join(root, container.icon)));
    assert.ok(pkg.contributes.views[RUNS_CONTAINER_ID].some((v: { id: string; name: string }) => v.id === RUNS_VIEW_ID && /runs/i.test(v.name)));
  });

  it('restores the training and compare panels after a reload', () => {
    for (const type of [TRAINING_VIEW_TYPE, COMPARE_VIEW_TYPE]) assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${type}`), type);
    assert.ok(existsSync(join(root, 'media/training/main.ts')) && existsSync(join(root, 'media/compare/main.ts')));
  });

  it('shows Train Model in the editor title, the explorer menu and the palette for model files', () => {
    const menus = pkg.contributes.menus;
    for (const menu of ['editor/title', 'explorer/context']) {
      assert.ok(menus[menu].some((m: { command: string; when: string }) => m.command === TRAINING_COMMANDS.trainModel && /cnn-yaml|cnn\\?\.ya?ml/.test(m.when)), menu);
    }
  });

  it('targets the run rows (cnnlab.run, cnnlab.run.running) in the item menus; delete only when not training', () => {
    const items = pkg.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
    const when = (command: string) => items.filter((m) => m.command === command).map((m) => m.when);
    const matches = (expr: string, contextValue: string): boolean => {
      const re = /viewItem =~ \/(.+)\/$/.exec(expr);
      if (re) return new RegExp(re[1]).test(contextValue);
      return expr.includes(`viewItem == ${contextValue}`) && !expr.includes(`viewItem == ${contextValue}.`);
    };
    for (const command of [RUN_COMMANDS.openPanel, RUN_COMMANDS.compare, RUN_COMMANDS.diffModel, RUN_COMMANDS.reveal]) {
      assert.ok(when(command).some((w) => matches(w, 'cnnlab.run') && matches(w, 'cnnlab.run.running')), command);
    }
    assert.ok(when(RUN_COMMANDS.delete).every((w) => matches(w, 'cnnlab.run') && !matches(w, 'cnnlab.run.running')));
    // Evaluate is for runs that are not training (their own test pass comes at the end).
    assert.ok(when(RUN_COMMANDS.evaluate).length > 0 && when(RUN_COMMANDS.evaluate).every((w) => matches(w, 'cnnlab.run') && !matches(w, 'cnnlab.run.running')));
  });
});

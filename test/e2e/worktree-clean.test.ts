// Issue 14: worktrees left by crashed attempts are reported at start and cleaned by
// `aura clean-workspaces` (dry run by default); what is in them goes to their branch, which is kept.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CleanJson } from '../../src/summaries/json.js';
import { projectsForThisFile, runAura } from '../helpers/aura.js';
import { auraBranches, git, gitInit } from './worktree-helpers.js';

const project = projectsForThisFile();

describe('worktrees left behind', () => {
  test('are reported at start, listed by a dry run, and removed by --yes with their work kept on the branch', async () => {
    const p = project({ 'task.md': ['# Clean', '', '- [ ] Quick', '  - id: q', '  - run: `true`', ''].join('\n') });
    gitInit(p);
    assert.equal((await runAura(['task.md', '--exit-when-done'], { cwd: p.dir })).code, 0);
    // What a daemon killed between `git worktree add` and its record leaves: a worktree with work in it.
    git(p.dir, 'worktree', 'add', '-q', '-b', 'aura/x/1', p.file('.aura/worktrees/x/1'), 'main');
    p.write('.aura/worktrees/x/1/wip.txt', 'half done\n');

    const again = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout + again.stderr, /found 1 git worktree left by earlier attempts: \.aura\/worktrees\/x\/1 \(aura\/x\/1\)/);

    const dry = CleanJson.parse(JSON.parse((await runAura(['clean-workspaces', '--age', '0', '--json'], { cwd: p.dir })).stdout));
    assert.deepEqual(dry.worktrees.candidates.map((c) => c.branch), ['aura/x/1']);
    assert.ok(existsSync(p.file('.aura/worktrees/x/1/wip.txt')), 'a dry run touches nothing');
    const text = await runAura(['clean-workspaces', '--age', '0'], { cwd: p.dir });
    assert.match(text.stdout, /would remove git worktrees left by attempts/);
    assert.match(text.stdout, /dry run: run again with --yes to remove these worktrees/);

    const real = await runAura(['clean-workspaces', '--age', '0', '--yes'], { cwd: p.dir });
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.match(real.stdout, /branch aura\/x\/1 kept: it holds work/);
    assert.equal(existsSync(p.file('.aura/worktrees/x/1')), false);
    assert.deepEqual(auraBranches(p), ['aura/x/1']);
    assert.equal(git(p.dir, 'show', 'aura/x/1:wip.txt'), 'half done', 'the uncommitted work was committed to its branch first');
  });

  test('a worktree with nothing in it goes with its branch', async () => {
    const p = project({ 'task.md': ['# Clean', '', '- [ ] Quick', '  - id: q', '  - run: `true`', ''].join('\n') });
    gitInit(p);
    assert.equal((await runAura(['task.md', '--exit-when-done'], { cwd: p.dir })).code, 0);
    git(p.dir, 'worktree', 'add', '-q', '-b', 'aura/y/1', p.file('.aura/worktrees/y/1'), 'main');
    const real = await runAura(['clean-workspaces', '--age', '0', '--yes'], { cwd: p.dir });
    assert.equal(real.code, 0, real.stdout + real.stderr);
    assert.deepEqual(auraBranches(p), []);
  });
});

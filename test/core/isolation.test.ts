// Issue 14's pure decisions, as tables: who gets a worktree, what a branch is called, what a conflict leads to.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterConflict, attemptBranch, isolationFor, liveWorktrees, type IsolationInput, type RepoFacts } from '../../src/core/isolation.js';
import type { MergeRecord, WorktreeRef } from '../../src/store/schema.js';
import { T0, makeAttempt, makeTask } from './fixtures.js';

const GIT: RepoFacts = { kind: 'git', branch: 'main' };

describe('isolationFor', () => {
  const rows: Array<[string, Partial<IsolationInput>, boolean, RegExp | null]> = [
    ['auto: an agent worker gets one', { mode: 'auto', shell: false }, true, null],
    ['auto: a shell worker does not', { mode: 'auto', shell: true }, false, null],
    ['auto: a shell worker with isolate: worktree does', { mode: 'auto', shell: true, isolate: 'worktree' }, true, null],
    ['on: a shell worker does', { mode: 'on', shell: true }, true, null],
    ['on: isolate: none wins', { mode: 'on', shell: false, isolate: 'none' }, false, null],
    ['off: an agent worker does not', { mode: 'off', shell: false }, false, null],
    ['off: isolate: worktree wins', { mode: 'off', shell: true, isolate: 'worktree' }, true, null],
    ['not a git repository: as before, with a notice', { repo: { kind: 'none' } }, false, /not a git repository/],
    ['detached HEAD: notice', { repo: { kind: 'detached' } }, false, /detached/],
    ['no commit yet: notice', { repo: { kind: 'unborn', branch: 'main' } }, false, /no commit yet/],
    ['git missing: notice naming AURA_WORKTREES=off', { repo: { kind: 'no-git', why: 'git is not installed' } }, false, /AURA_WORKTREES=off/],
    ['a Slurm attempt: the project directory', { remote: true }, false, /Slurm/],
    ['not wanted: no notice even outside git', { mode: 'off', repo: { kind: 'none' } }, false, null],
  ];
  for (const [name, over, want, notice] of rows) {
    it(name, () => {
      const d = isolationFor({ mode: 'auto', isolate: undefined, shell: false, remote: false, repo: GIT, ...over });
      assert.equal(d.worktree, want);
      if (d.worktree) assert.equal(d.branch, 'main');
      else if (notice) assert.match(d.notice ?? '', notice);
      else assert.equal(d.notice, null);
    });
  }
});

describe('attemptBranch', () => {
  for (const [id, n, suffix, want] of [
    ['prep', 1, 0, 'aura/prep/1'],
    ['prep', 2, 1, 'aura/prep/2-1'],
    ['.hidden', 1, 0, 'aura/_hidden/1'],
    ['a..b', 3, 0, 'aura/a_b/3'],
    ['x.lock', 1, 0, 'aura/x_lock/1'],
  ] as const) {
    it(`${id} #${n}${suffix ? `-${suffix}` : ''} → ${want}`, () => assert.equal(attemptBranch(id, n, suffix), want));
  }
});

const wt = (n: number): WorktreeRef => ({ path: `/p/.aura/worktrees/a/${n}`, workDir: `/p/.aura/worktrees/a/${n}`, branch: `aura/a/${n}`, target: 'main', base: 'abc', linked: [] });
const conflict: MergeRecord = { result: 'conflict', how: null, tip: null, stat: null, files: ['notes.txt'], message: 'conflicts in notes.txt', at: T0.toISOString() };

describe('afterConflict', () => {
  it('the first conflict runs the task again at once, from the new tip', () => {
    const t = makeTask('a', { status: 'verifying', attempts: [makeAttempt(1, { worktree: wt(1), merge: conflict })] });
    const { task } = afterConflict(t, T0);
    assert.equal(task.status, 'pending');
    assert.equal(task.notBefore, null);
    assert.match(task.reason, /aura\/a\/1 conflicts with main \(notes\.txt\); running again on a fresh worktree/);
  });
  it('a second conflict in the round blocks it, the branch kept, with how to merge by hand', () => {
    const t = makeTask('a', { status: 'verifying', attempts: [makeAttempt(1, { worktree: wt(1), merge: conflict }), makeAttempt(2, { worktree: wt(2), merge: conflict })] });
    const { task } = afterConflict(t, T0);
    assert.equal(task.status, 'blocked');
    assert.equal(task.blockedBy, 'merge');
    assert.match(task.reason, /branch is kept, to merge it by hand: git switch main && git merge aura\/a\/2/);
  });
  it('a conflict before the round (task.md changed it since) does not count', () => {
    const t = makeTask('a', { status: 'verifying', attemptBase: 1, attempts: [makeAttempt(1, { worktree: wt(1), merge: conflict }), makeAttempt(2, { worktree: wt(2), merge: conflict })] });
    assert.equal(afterConflict(t, T0).task.status, 'pending');
  });
});

describe('liveWorktrees', () => {
  it('keeps the worktrees of running and verifying attempts only', () => {
    const running = makeTask('r', { status: 'running', attempts: [makeAttempt(1, { worktree: wt(1), endedAt: null })] });
    const verifying = makeTask('v', { status: 'verifying', attempts: [makeAttempt(2, { worktree: wt(2) })] });
    const done = makeTask('d', { status: 'done', attempts: [makeAttempt(3, { worktree: wt(3) })] });
    const live = liveWorktrees({ tasks: { r: running, v: verifying, d: done } });
    assert.deepEqual([...live.keys()], [wt(1).path, wt(2).path]);
  });
});

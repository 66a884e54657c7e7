// Issue 14 with shell workers (`isolate: worktree`): a worktree and branch per attempt, judged there,
// merged back into the project's branch only once verified, one merge at a time. Real git throughout.
import assert from 'node:assert/strict';
import { chmodSync, rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { projectsForThisFile, runAura, startDaemon, testEnv, waitFor } from '../helpers/aura.js';
import { atMain, auraBranches, git, gitInit, tip } from './worktree-helpers.js';

const project = projectsForThisFile();

function twoEdits(a: string, b: string): string {
  return [
    '# Two edits',
    '',
    '## Edits (parallel)',
    '',
    '- [ ] Edit A',
    '  - id: a',
    '  - isolate: worktree',
    `  - run: \`${a}\``,
    '  - verify: `grep -q from-a notes.txt`',
    '',
    '- [ ] Edit B',
    '  - id: b',
    '  - isolate: worktree',
    `  - run: \`${b}\``,
    '  - verify: `grep -q from-b notes.txt`',
    '',
  ].join('\n');
}

describe('isolate: worktree (shell workers)', () => {
  test('two tasks editing different lines of one file at once: both verified, both edits in main', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const p = project({
      'notes.txt': lines,
      'task.md': twoEdits('sleep 1; sed -i "s/^line 1$/line 1 from-a/" notes.txt', 'sleep 1; sed -i "s/^line 18$/line 18 from-b/" notes.txt'),
    });
    gitInit(p);
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = p.state();
    assert.equal(st.tasks.a?.status, 'done');
    assert.equal(st.tasks.b?.status, 'done');
    const main = atMain(p, 'notes.txt');
    assert.match(main, /line 1 from-a/);
    assert.match(main, /line 18 from-b/);
    assert.match(p.read('notes.txt'), /line 18 from-b/, 'the main tree follows its branch');
    // They ran at the same time, each in its own worktree on its own branch.
    const [wa, wb] = [st.tasks.a!.attempts[0]!, st.tasks.b!.attempts[0]!];
    assert.equal(wa.worktree?.branch, 'aura/a/1');
    assert.equal(wb.worktree?.branch, 'aura/b/1');
    assert.ok(new Date(wa.startedAt) < new Date(wb.endedAt!) && new Date(wb.startedAt) < new Date(wa.endedAt!), 'they overlapped');
    assert.deepEqual([wa.merge?.result, wb.merge?.result], ['merged', 'merged']);
    assert.deepEqual(auraBranches(p), [], 'merged branches and their worktrees are gone');
    const left = git(p.dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ') && !l.includes('/.aura/worktrees/.idle/'));
    assert.equal(left.length, 1, 'only the main tree (and clean worktrees parked for reuse)');
    assert.equal(git(p.dir, 'status', '--porcelain'), '', 'nothing left over in the main tree');
    const log = git(p.dir, 'log', '--format=%an|%s', 'main');
    assert.match(log, /aura\|aura: a attempt 1: Edit A/, "aura's own identity where the repository has none");
    // Each counts its own change only: the one merged second was rebased onto the other's.
    const hows = ['a', 'b'].map((t) => {
      const m = new RegExp(`- Attempt 1: branch aura/${t}/1 from main at [0-9a-f]{10}, worktree .*: merged into main \\((fast-forward|rebase)\\): 1 file changed, \\+1 −1`).exec(p.read(`.aura/summaries/${t}.md`));
      assert.ok(m, `${t}'s summary says what it changed: ${p.read(`.aura/summaries/${t}.md`)}`);
      return m[1];
    });
    assert.deepEqual(hows.sort(), ['fast-forward', 'rebase']);
  });

  test('two tasks appending to one file at once: one conflicts, runs again on the new tip, and both edits land', async () => {
    const p = project({ 'notes.txt': 'start\n', 'task.md': twoEdits('sleep 1; echo from-a >> notes.txt', 'sleep 1; echo from-b >> notes.txt') });
    gitInit(p);
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = p.state();
    const main = atMain(p, 'notes.txt');
    assert.match(main, /from-a/);
    assert.match(main, /from-b/);
    const attempts = [...st.tasks.a!.attempts, ...st.tasks.b!.attempts];
    const conflicted = attempts.filter((a) => a.merge?.result === 'conflict');
    assert.equal(conflicted.length, 1, 'exactly one conflict');
    assert.deepEqual(conflicted[0]!.merge?.files, ['notes.txt']);
    assert.equal(attempts.filter((a) => a.merge?.result === 'merged').length, 2);
    // The conflicting attempt's branch is kept (its work is not in main as such).
    assert.deepEqual(auraBranches(p), [conflicted[0]!.worktree!.branch]);
    const journal = p.journal().map((e) => e.msg).join('\n');
    assert.match(journal, /conflicts with main/);
  });

  test("a task whose verify fails leaves main untouched and keeps its branch with the work", async () => {
    const p = project({ 'task.md': ['# Fails', '', '- [ ] Bad', '  - id: bad', '  - isolate: worktree', '  - run: `echo half > out.txt`', '  - verify: `false`', ''].join('\n') });
    gitInit(p);
    const before = tip(p);
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_MAX_ATTEMPTS: '1' }) });
    assert.notEqual(r.code, 0);
    assert.equal(p.state().tasks.bad?.status, 'failed');
    assert.equal(tip(p), before, 'main did not move');
    assert.equal(p.exists('out.txt'), false, 'nothing reached the main tree');
    assert.deepEqual(auraBranches(p), ['aura/bad/1']);
    assert.equal(git(p.dir, 'show', 'aura/bad/1:out.txt'), 'half', 'the attempt\'s work is kept on its branch');
    assert.match(git(p.dir, 'log', '-1', '--format=%s', 'aura/bad/1'), /not verified/);
  });

  test("the person's uncommitted edits in the main tree survive a run", async () => {
    const p = project({ 'mine.txt': 'original\n', 'task.md': ['# Edit', '', '- [ ] Work', '  - id: w', '  - isolate: worktree', '  - run: `echo done > theirs.txt`', '  - produces: `theirs.txt`', ''].join('\n') });
    gitInit(p);
    p.write('mine.txt', 'my uncommitted edit\n');
    p.write('scratch.txt', 'my untracked file\n');
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.read('mine.txt'), 'my uncommitted edit\n');
    assert.equal(p.read('scratch.txt'), 'my untracked file\n');
    assert.equal(atMain(p, 'theirs.txt'), 'done');
    assert.equal(p.read('theirs.txt'), 'done\n');
    assert.equal(atMain(p, 'mine.txt'), 'original', 'and aura committed none of them');
  });

  test("a merge that would overwrite the person's uncommitted edit waits, says so, and merges once they commit", async () => {
    const p = project({ 'mine.txt': 'original\n', 'task.md': ['# Edit', '', '- [ ] Work', '  - id: w', '  - isolate: worktree', '  - run: `echo theirs > mine.txt`', ''].join('\n') });
    gitInit(p);
    p.write('mine.txt', 'my uncommitted edit\n');
    const run = runAura(['task.md', '--exit-when-done'], { cwd: p.dir, timeoutMs: 60_000 });
    await waitFor('aura says it waits', () => p.exists('.aura/state/journal.jsonl') && p.journal().some((e) => /waiting to merge/.test(e.msg)), 30_000);
    assert.equal(p.read('mine.txt'), 'my uncommitted edit\n', 'untouched while it waits');
    assert.equal(p.state().tasks.w?.status, 'verifying');
    assert.match(p.journal().find((e) => /waiting to merge/.test(e.msg))!.msg, /mine\.txt/);
    // The person puts their edit aside; aura's next try merges.
    git(p.dir, 'stash');
    const r = await run;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(atMain(p, 'mine.txt'), 'theirs');
    assert.match(git(p.dir, 'stash', 'list'), /stash@\{0\}/, 'their edit is still theirs to have');
  });

  test('a project that is not a git repository runs as before, with one notice', async () => {
    const p = project({
      'task.md': ['# Plain', '', '- [ ] One', '  - id: one', '  - isolate: worktree', '  - run: `echo 1 > one.txt`', '  - produces: `one.txt`', '', '- [ ] Two', '  - id: two', '  - isolate: worktree', '  - run: `echo 2 > two.txt`', '  - produces: `two.txt`', ''].join('\n'),
    });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.read('one.txt'), '1\n');
    assert.equal(p.read('two.txt'), '2\n');
    const notices = p.journal().filter((e) => /not a git repository/.test(e.msg));
    assert.equal(notices.length, 1, 'one notice');
    assert.equal(p.state().tasks.one?.attempts[0]?.worktree, null);
  });
});

describe('SIGKILL of the daemon in the middle of a merge', () => {
  test('leaves a repository git fsck accepts, and a restart finishes the merge', async () => {
    const p = project({ 'task.md': ['# Crash', '', '- [ ] Work', '  - id: w', '  - isolate: worktree', '  - run: `echo work > work.txt`', '  - produces: `work.txt`', ''].join('\n') });
    gitInit(p);
    // The fast-forward of main pauses in git's reference-transaction hook, the first time only:
    // the daemon is killed while git holds main's lock with the main tree already updated.
    const mark = p.file('merging');
    p.write('.git/hooks/reference-transaction', [
      '#!/bin/sh',
      `if [ "$1" = prepared ] && grep -q " refs/heads/main$" && [ ! -e '${mark}' ]; then touch '${mark}'; sleep 3; fi`,
      'exit 0',
      '',
    ].join('\n'));
    chmodSync(p.file('.git/hooks/reference-transaction'), 0o755);
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    await waitFor('the merge under way', () => p.exists('merging'), 30_000);
    d.kill('SIGKILL');
    await d.exited;
    git(p.dir, 'fsck', '--no-progress'); // throws on a damaged repository
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    git(p.dir, 'fsck', '--no-progress');
    assert.equal(p.state().tasks.w?.status, 'done');
    assert.equal(atMain(p, 'work.txt'), 'work');
    assert.equal(git(p.dir, 'status', '--porcelain', '--untracked-files=no'), '', 'main tree and its branch agree');
    assert.deepEqual(auraBranches(p), []);
  });
});

describe('AURA_MERGE=branch', () => {
  test('verified branches are left for review, listed in status, and a dependent task starts from its dependency\'s branch', async () => {
    const p = project({
      'task.md': [
        '# Review',
        '',
        '- [ ] First',
        '  - id: first',
        '  - isolate: worktree',
        '  - run: `echo one > one.txt`',
        '  - produces: `one.txt`',
        '',
        '- [ ] Second',
        '  - id: second',
        '  - isolate: worktree',
        '  - run: `cat one.txt > two.txt`',
        '  - produces: `two.txt`',
        '',
      ].join('\n'),
    });
    gitInit(p);
    const before = tip(p);
    const env = testEnv({ AURA_MERGE: 'branch' });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(tip(p), before, 'main untouched');
    assert.deepEqual(auraBranches(p), ['aura/first/1', 'aura/second/1']);
    assert.equal(git(p.dir, 'show', 'aura/second/1:two.txt'), 'one', "the dependency's work was in its worktree");
    const status = await runAura(['status'], { cwd: p.dir, env });
    assert.match(status.stdout, /Branches for you:\n {2}aura\/first\/1: First/);
    const json = JSON.parse((await runAura(['status', '--json'], { cwd: p.dir, env })).stdout) as { branches: { branch: string }[]; tasks: { id: string; git: { state: string; stat: string } | null }[] };
    assert.deepEqual(json.branches.map((b) => b.branch), ['aura/first/1', 'aura/second/1']);
    assert.equal(json.tasks.find((t) => t.id === 'first')?.git?.state, 'branch');
    assert.match(json.tasks.find((t) => t.id === 'first')?.git?.stat ?? '', /1 file changed, \+1/);
    assert.match(p.progress(), /## Branches for you/);
  });
});

describe('what a worker must not carry back', () => {
  test("its edit of the run's task file stays in its worktree; the rest of its work is merged", async () => {
    const p = project({ 'task.md': ['# Own', '', '- [ ] Work', '  - id: w', '  - isolate: worktree', '  - run: `echo "- [x] sneaky" >> task.md; echo ok > ok.txt`', '  - produces: `ok.txt`', ''].join('\n') });
    gitInit(p);
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(atMain(p, 'ok.txt'), 'ok');
    assert.doesNotMatch(p.read('task.md'), /^- \[x\] sneaky/m);
    assert.doesNotMatch(atMain(p, 'task.md'), /^- \[x\] sneaky/m);
  });
});

describe('a merge waiting for the person', () => {
  test('does not hold up aura stop; the next daemon merges once the way is clear', async () => {
    const p = project({ 'mine.txt': 'original\n', 'task.md': ['# Edit', '', '- [ ] Work', '  - id: w', '  - isolate: worktree', '  - run: `echo theirs > mine.txt`', ''].join('\n') });
    gitInit(p);
    p.write('mine.txt', 'my uncommitted edit\n');
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    await waitFor('aura says it waits', () => p.exists('.aura/state/journal.jsonl') && p.journal().some((e) => /waiting to merge/.test(e.msg)), 30_000);
    const t0 = Date.now();
    const stop = await runAura(['stop'], { cwd: p.dir });
    assert.equal(stop.code, 0, stop.stdout + stop.stderr);
    await d.exited;
    assert.ok(Date.now() - t0 < 15_000, `stopped in ${Date.now() - t0} ms`);
    assert.equal(p.read('mine.txt'), 'my uncommitted edit\n');
    git(p.dir, '-c', 'user.name=Person', '-c', 'user.email=p@example.com', 'commit', '-q', '-a', '-m', 'mine');
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.notEqual(r.code, null);
    // Their commit and aura's change touch the same line: the rebase conflicts, the task runs again
    // from the new tip (which has their commit) and its work lands on top.
    assert.equal(p.state().tasks.w?.status, 'done', r.stdout + r.stderr);
    assert.equal(atMain(p, 'mine.txt'), 'theirs');
    assert.match(git(p.dir, 'log', '--format=%s', 'main'), /mine/);
  });
});

describe("the person's own git busy", () => {
  test('an index.lock in the main tree makes the merge wait, not fail; it merges once the lock is gone', async () => {
    const p = project({ 'task.md': ['# Busy', '', '- [ ] Work', '  - id: w', '  - isolate: worktree', '  - run: `echo work > work.txt`', '  - produces: `work.txt`', ''].join('\n') });
    gitInit(p);
    p.write('.git/index.lock', '');
    const run = runAura(['task.md', '--exit-when-done'], { cwd: p.dir, timeoutMs: 60_000 });
    await waitFor('aura says it waits', () => p.exists('.aura/state/journal.jsonl') && p.journal().some((e) => /waiting to merge/.test(e.msg)), 30_000);
    assert.match(p.journal().find((e) => /waiting to merge/.test(e.msg))!.msg, /index\.lock/);
    rmSync(p.file('.git/index.lock'));
    const r = await run;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(atMain(p, 'work.txt'), 'work');
  });
});

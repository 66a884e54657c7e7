// A running daemon reacting to the outside: task.md edits, `aura wake`, `aura stop`.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isAlive, runAura, startDaemon, waitFor, projectsForThisFile } from '../helpers/aura.js';

const project = projectsForThisFile();

const quick = (id: string, file: string) => `- [ ] Task ${id}\n  - id: ${id}\n  - run: \`echo ${id} > ${file}\`\n  - produces: \`${file}\`\n`;

describe('task.md edits while the daemon sleeps', () => {
  test('an appended checklist item runs without any other nudge, and the journal records the change', async () => {
    const p = project({ 'task.md': `# Edits\n\n${quick('first', 'first.txt')}` });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    try {
      await waitFor('first done', () => p.state().tasks.first?.status === 'done');
      await waitFor('daemon asleep', () => p.state().doneAt);
      appendFileSync(p.file('task.md'), `\n${quick('second', 'second.txt')}`);
      await waitFor('second done', () => p.state().tasks.second?.status === 'done', 10_000);
      const change = p.journal().find((e) => e.kind === 'taskfile' && /added second/.test(e.msg));
      assert.ok(change, 'journal records the task file change');
      assert.equal(p.state().tasks.first?.attempts.length, 1, 'the first task was not redone');
    } finally {
      d.kill();
      await d.exited;
    }
  });

  test('an editor-style rename save is seen, and rewording keeps the task and its history', async () => {
    const p = project({ 'task.md': `# Edits\n\n- [ ] Write the file\n  - run: \`echo a > a.txt\`\n  - produces: \`a.txt\`\n` });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    try {
      await waitFor('done', () => p.state().doneAt);
      const id = Object.keys(p.state().tasks).find((k) => k !== 'goal')!;
      // Write a temp file and rename it over task.md, as many editors do.
      writeFileSync(p.file('task.md.tmp'), `# Edits\n\n- [ ] Write the output file\n  - run: \`echo a > a.txt\`\n  - produces: \`a.txt\`\n`);
      renameSync(p.file('task.md.tmp'), p.file('task.md'));
      await waitFor('reword seen', () => p.state().tasks[id]?.title === 'Write the output file', 10_000);
      const st = p.state();
      assert.deepEqual(Object.keys(st.tasks).sort(), ['goal', id].sort(), 'same task, same id');
      assert.equal(st.tasks[id]?.status, 'done');
      assert.equal(st.tasks[id]?.attempts.length, 1);
    } finally {
      d.kill();
      await d.exited;
    }
  });

  test('removing a running item stops its worker and archives the task with its history', async () => {
    const p = project({ 'task.md': `# Edits\n\n- [ ] Long\n  - id: long\n  - run: \`sleep 60\`\n\n${quick('keep', 'keep.txt')}` });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    try {
      const pid = await waitFor('long running', () => p.state().tasks.long?.attempts[0]?.process?.pid);
      writeFileSync(p.file('task.md'), `# Edits\n\n${quick('keep', 'keep.txt').replace('- [ ] Task keep', '- [ ] Task keep\n  - needs: none')}`);
      await waitFor('long archived', () => p.state().tasks.long?.status === 'archived', 10_000);
      await waitFor('worker gone', () => !isAlive(pid), 10_000);
      await waitFor('keep done', () => p.state().tasks.keep?.status === 'done', 10_000);
      const long = p.state().tasks.long!;
      assert.equal(long.attempts.length, 1, 'history kept');
      assert.equal(long.attempts[0]?.outcome, 'killed');
      assert.match(long.attempts[0]?.stopReason ?? '', /removed from task.md/);
    } finally {
      d.kill();
      await d.exited;
    }
  });
});

describe('aura wake', () => {
  test('makes a sleeping daemon run a cycle and prints its acknowledgement', async () => {
    const p = project({ 'task.md': `# Wake\n\n${quick('one', 'one.txt')}` });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    try {
      await waitFor('done', () => p.state().doneAt);
      const before = p.state().cycle;
      const r = await runAura(['wake', '--reason', 'new data arrived'], { cwd: p.dir });
      assert.equal(r.code, 0, r.stderr);
      const m = /woke aura daemon (\d+): cycle (\d+) started/.exec(r.stdout);
      assert.ok(m, r.stdout);
      assert.equal(Number(m[1]), d.child.pid);
      assert.ok(Number(m[2]) > before);
      await waitFor('wake journaled', () => p.journal().some((e) => e.kind === 'wake' && e.msg.includes('new data arrived')));
      const json = await runAura(['wake', '--json'], { cwd: p.dir });
      assert.equal((JSON.parse(json.stdout) as { ok: boolean }).ok, true);
    } finally {
      d.kill();
      await d.exited;
    }
  });

  test('without a daemon it exits non-zero with a clear message', async () => {
    const p = project({ 'task.md': '# Nothing running\n' });
    const r = await runAura(['wake'], { cwd: p.dir });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /no aura daemon is running/);
  });
});

describe('stopping', () => {
  test('aura stop drains: the worker gets SIGTERM, the task goes back to pending uncounted, the lock is released', async () => {
    const p = project({ 'task.md': '# Stop\n\n- [ ] Long\n  - id: long\n  - run: `sleep 60`\n' });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    const pid = await waitFor('long running', () => p.state().tasks.long?.attempts[0]?.process?.pid);
    const r = await runAura(['stop'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /stopped/);
    const exit = await d.exited;
    assert.equal(exit.code, 0);
    assert.equal(isAlive(pid), false);
    const t = p.state().tasks.long!;
    assert.equal(t.status, 'pending');
    assert.equal(t.attempts[0]?.stopReason, 'aura stopped');
    assert.equal(p.exists('.aura/run/daemon.lock'), false);
  });

  test('the first SIGTERM drains, a second one forces', async () => {
    const p = project({ 'task.md': '# Stubborn\n\n- [ ] Ignore TERM\n  - id: stub\n  - run: `trap "" TERM; sleep 60`\n' });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: { ...process.env, HOME: p.dir, AURA_KILL_GRACE_SECONDS: '60' } });
    await waitFor('running', () => p.state().tasks.stub?.attempts[0]?.process?.pid);
    const t0 = Date.now();
    d.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    d.kill('SIGTERM');
    const exit = await d.exited;
    assert.equal(exit.code, 0);
    assert.ok(Date.now() - t0 < 30_000, 'did not wait out the 60 s grace');
    assert.equal(p.state().tasks.stub?.status, 'pending');
    assert.doesNotMatch(readFileSync(p.file('.aura/state/journal.jsonl'), 'utf8'), /survive SIGKILL/);
  });
});

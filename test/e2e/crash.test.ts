// kill -9 the daemon mid-run and start it again: nothing is lost, nothing runs twice.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isAlive, runAura, startDaemon, testEnv, waitFor, projectsForThisFile, type Project } from '../helpers/aura.js';

const project = projectsForThisFile();

// `slow` appends a line per start and per end to runs.log, so a second concurrent run would show.
const TASKS = [
  '# Crash test',
  '',
  '- [ ] Quick one',
  '  - id: quick',
  '  - run: `echo q > quick.txt`',
  '  - produces: `quick.txt`',
  '',
  '- [ ] Slow one',
  '  - id: slow',
  // Long enough to outlive a restart on a loaded machine (the re-adoption test needs it still running).
  '  - run: `echo "start $$" >> runs.log; sleep 5; echo end >> runs.log; echo s > slow.txt`',
  '  - produces: `slow.txt`',
  '',
].join('\n');

function assertJournalWhole(p: Project): void {
  const text = readFileSync(p.file('.aura/state/journal.jsonl'), 'utf8');
  assert.ok(text.endsWith('\n'), 'journal ends with a complete line');
  const lines = text.split('\n').filter(Boolean);
  lines.forEach((l, i) => assert.doesNotThrow(() => JSON.parse(l), `journal line ${i + 1} parses`));
  const seqs = lines.map((l) => (JSON.parse(l) as { seq: number }).seq);
  seqs.forEach((s, i) => assert.equal(s, i + 1, 'journal sequence numbers are consecutive'));
}

describe('SIGKILL the daemon in the middle of a run, then start it again', () => {
  test('a worker still running is re-adopted, not duplicated, and its finish is reconciled', async () => {
    const p = project({ 'task.md': TASKS });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    const pid = await waitFor('slow running', () => p.state().tasks.slow?.attempts[0]?.process?.pid);
    d.kill('SIGKILL');
    await d.exited;
    assert.ok(isAlive(pid), 'the worker survived the daemon');
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /re-adopted/);
    const st = p.state();
    assert.equal(st.tasks.quick?.attempts.length, 1, 'finished task not redone');
    assert.equal(st.tasks.slow?.attempts.length, 1, 'not re-run');
    assert.equal(st.tasks.slow?.status, 'done');
    assert.equal(readFileSync(p.file('runs.log'), 'utf8').match(/start/g)?.length, 1, 'ran exactly once');
    assertJournalWhole(p);
  });

  test('a worker that died with the daemon is retried (never twice at once)', async () => {
    const p = project({ 'task.md': TASKS });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    const pid = await waitFor('slow running', () => p.state().tasks.slow?.attempts[0]?.process?.pid);
    await waitFor('slow started its work', () => p.exists('runs.log'));
    d.kill('SIGKILL');
    await d.exited;
    process.kill(-pid, 'SIGKILL'); // the worker's whole group dies too, without an exit record
    await waitFor('worker gone', () => !isAlive(pid));
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const slow = p.state().tasks.slow!;
    assert.equal(slow.status, 'done');
    assert.equal(slow.attempts.length, 2);
    assert.equal(slow.attempts[0]?.outcome, 'lost');
    const log = readFileSync(p.file('runs.log'), 'utf8').trim().split('\n');
    // start, start, end: the first run never ended, the second ran alone to its end.
    assert.deepEqual(log.map((l) => l.split(' ')[0]), ['start', 'start', 'end']);
    assertJournalWhole(p);
  });

  test('a worker that finished while the daemon was down has its evidence counted', async () => {
    const p = project({ 'task.md': TASKS });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    const pid = await waitFor('slow running', () => p.state().tasks.slow?.attempts[0]?.process?.pid);
    d.kill('SIGKILL');
    await d.exited;
    await waitFor('worker finished on its own', () => !isAlive(pid) && p.exists('slow.txt'), 10_000);
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /finished while aura was down/);
    const slow = p.state().tasks.slow!;
    assert.equal(slow.attempts.length, 1, 'not re-run');
    assert.equal(slow.attempts[0]?.exitCode, 0);
    assert.equal(slow.attempts[0]?.evidence?.passed, true);
    assertJournalWhole(p);
  });

  test('a stale lock left by the killed daemon is taken over and journaled', async () => {
    const p = project({ 'task.md': TASKS });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    await waitFor('slow running', () => p.state().tasks.slow?.status === 'running');
    d.kill('SIGKILL');
    await d.exited;
    assert.ok(p.exists('.aura/run/daemon.lock'), 'the lock file is left behind');
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(p.journal().some((e) => e.kind === 'daemon' && /stale lock/.test(e.msg)));
  });

  test('a corrupt state.json is kept aside, the state rebuilt from the previous generation and the journal, and aura says so', async () => {
    const p = project({ 'task.md': TASKS });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    await waitFor('slow running', () => p.state().tasks.slow?.status === 'running');
    d.kill('SIGKILL');
    await d.exited;
    writeFileSync(p.file('.aura/state/state.json'), '{"schemaVersion": 1, "tasks": {"trunc');
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /state recovered: state\.json was not valid JSON/);
    assert.ok(readdirSync(p.file('.aura/state')).some((f) => f.startsWith('state.json.corrupt-')), 'the bad file is kept');
    const st = p.state();
    assert.equal(st.tasks.quick?.attempts.length, 1, 'finished work not redone');
    assert.equal(st.tasks.slow?.status, 'done');
    assert.ok(p.journal().some((e) => e.kind === 'daemon' && /state recovered/.test(e.msg)));
  });
});

describe('--leave-workers', () => {
  test('stopping leaves the worker running, and the next daemon adopts it', async () => {
    const p = project({ 'task.md': TASKS });
    const d = startDaemon(['task.md', '--interval', '3600', '--leave-workers'], { cwd: p.dir });
    const pid = await waitFor('slow running', () => p.state().tasks.slow?.attempts[0]?.process?.pid);
    d.kill('SIGTERM');
    assert.equal((await d.exited).code, 0);
    assert.ok(isAlive(pid), 'the worker was left running');
    assert.equal(p.state().tasks.slow?.status, 'running');
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /re-adopted/);
    assert.equal(p.state().tasks.slow?.attempts.length, 1);
    assertJournalWhole(p);
  });
});


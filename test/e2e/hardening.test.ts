// What an outside attack on a running aura found, each as a reproduction that must now fail to break
// it: a worker that ticks or rewrites its own task, a delete-and-recreate that blinded the watcher, a
// stale banner, a path starting with "..", the pause that never let --exit-when-done end, a renamed
// id, temp files left by a kill.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { AURA_BIN, projectsForThisFile, runAura, startDaemon, testEnv, waitFor } from '../helpers/aura.js';

const project = projectsForThisFile();

describe('a worker cannot judge itself', () => {
  test('a worker that ticks its own task in task.md and exits 1 does not end done', async () => {
    const p = project({
      'task.md': ['# Cheat', '', '- [ ] cheat', '  - id: cheat', '  - run: `sed -i "s/^- \\[ \\] cheat/- [x] cheat/" task.md; exit 1`', '  - produces: `never.txt`', ''].join('\n'),
    });
    const r = await runAura(['task.md', '--exit-when-done', '--set', 'AURA_MAX_ATTEMPTS=2'], { cwd: p.dir, env: testEnv(), timeoutMs: 60_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const t = p.state().tasks['cheat']!;
    assert.equal(t.status, 'failed', t.reason);
    assert.equal(t.voidTick, true);
    assert.match(p.read('task.md'), /- \[x\] cheat/, 'the worker did tick it');
    assert.ok(p.journal().some((e) => e.kind === 'warning' && /ticked in task\.md while its worker ran: a tick cannot end a running task/.test(e.msg)));
    assert.match(p.progress(), /Ticked in task\.md while its worker ran: that tick does not count/);
    assert.ok(!p.journal().some((e) => e.task === 'cheat' && e.to === 'done'), 'never done');
  });

  test('a worker that rewrites its own produces: and verify: is judged by the contract it started with', async () => {
    const p = project({
      'task.md': ['# Cheat', '', '- [ ] rewrite', '  - id: rewrite', '  - run: `sed -i "s/never.txt/task.md/; s/test -s never.txt/true/" task.md; exit 0`', '  - produces: `never.txt`', '  - verify: `test -s never.txt`', ''].join('\n'),
    });
    const r = await runAura(['task.md', '--exit-when-done', '--set', 'AURA_MAX_ATTEMPTS=1'], { cwd: p.dir, env: testEnv(), timeoutMs: 60_000 });
    const t = p.state().tasks['rewrite']!;
    const first = t.attempts[0]!;
    assert.deepEqual(first.contract?.produces, ['never.txt']);
    assert.equal(first.evidence?.passed, false, 'judged by never.txt, which it never wrote');
    assert.match(first.evidence?.summary ?? '', /never\.txt: missing/);
    // The person's file now says something else: that is a change of contract, and it runs again under it.
    assert.ok(p.journal().some((e) => e.kind === 'taskfile' && /changed rewrite/.test(e.msg)), r.stdout);
  });

  test('the brief tells the worker task.md is not its to edit', async () => {
    const p = project({ 'task.md': '# Brief\n\n- [ ] Look\n  - id: look\n  - run: `true`\n' });
    await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv() });
    const a = p.state().tasks['look']!.attempts[0]!;
    assert.match(p.read(path.join('.aura', a.dir, 'task.md')), /Do not edit the run's task file .*task\.md.*: it is the person's/);
  });
});

describe('the task-file watcher does not go blind', () => {
  test('ten rounds of `rm task.md; cp task.bak task.md`, each followed by an added task, are all seen', async () => {
    const base = '# Watch\n\n- [ ] First\n  - id: first\n  - run: `true`\n';
    const p = project({ 'task.md': base, 'task.bak': base });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: testEnv() });
    try {
      await waitFor('first done', () => p.state().tasks['first']?.status === 'done', 20_000);
      for (let i = 0; i < 10; i++) {
        rmSync(p.file('task.md'));
        copyFileSync(p.file('task.bak'), p.file('task.md'));
        await new Promise((r) => setTimeout(r, 50));
        writeFileSync(p.file('task.md'), `${base}- [ ] Round ${i}\n  - id: round-${i}\n  - run: \`true\`\n`);
        await waitFor(`round-${i} seen`, () => p.state().tasks[`round-${i}`]?.status === 'done', 10_000);
      }
    } finally {
      d.kill('SIGTERM');
      await d.exited;
    }
  });

  test('an edit the watcher never reported is found by the next wake (the stamp check)', async () => {
    const base = '# Watch\n\n- [ ] First\n  - id: first\n  - run: `true`\n';
    const p = project({ 'task.md': base });
    // The longest debounce: the watcher's own report comes 10 s late; only the stamp check sees it sooner.
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: testEnv({ AURA_TASKFILE_DEBOUNCE_MS: '10000' }) });
    try {
      await waitFor('first done', () => p.state().tasks['first']?.status === 'done', 20_000);
      writeFileSync(p.file('task.md'), `${base}- [ ] Second\n  - id: second\n  - run: \`true\`\n`);
      const w = await runAura(['wake'], { cwd: p.dir, env: testEnv() });
      assert.equal(w.code, 0, w.stderr);
      const t0 = Date.now();
      await waitFor('second seen', () => p.state().tasks['second'] !== undefined, 9_000);
      assert.ok(Date.now() - t0 < 9_000, 'seen by the wake, before the debounced watcher event');
    } finally {
      d.kill('SIGTERM');
      await d.exited;
    }
  });
});

describe('small things that broke', () => {
  test('the "task file is invalid" banner goes once the file is fixed, and stays gone after stop', async () => {
    const good = '# Banner\n\n- [ ] One\n  - id: one\n  - run: `sleep 60`\n';
    const p = project({ 'task.md': good });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: testEnv() });
    await waitFor('running', () => p.state().tasks['one']?.status === 'running', 20_000);
    writeFileSync(p.file('task.md'), '# Banner\n\n- [ ] One\n  - id: one\n  - budget: whenever\n');
    await waitFor('banner', () => /task file is invalid/.test(p.progress()), 10_000);
    writeFileSync(p.file('task.md'), good);
    await waitFor('banner gone', () => !/task file is invalid/.test(p.progress()), 10_000);
    d.kill('SIGTERM');
    await d.exited;
    assert.doesNotMatch(p.progress(), /task file is invalid/);
  });

  test('produces: ..data is a name inside the project', async () => {
    const p = project({ 'task.md': '# Dots\n\n- [ ] Data\n  - id: data\n  - run: `echo x > ..data`\n  - produces: `..data`\n' });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.state().tasks['data']?.status, 'done');
  });

  test('--exit-when-done ends while paused once every task is final', async () => {
    const p = project({ 'task.md': '# Paused\n\n- [ ] Fail\n  - id: fail\n  - run: `aura_pause_here; exit 3`\n' });
    const bin = path.join(p.dir, 'bin');
    // The worker pauses aura itself (as a worker with a shell could), then fails.
    p.write('bin/aura_pause_here', `#!/bin/sh\n"${process.execPath}" "${AURA_BIN}" pause --dir "${p.dir}"\n`);
    chmodSync(path.join(bin, 'aura_pause_here'), 0o755);
    const env = testEnv({ PATH: `${bin}:${process.env.PATH ?? ''}`, AURA_MAX_ATTEMPTS: '1' });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 30_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(p.state().pause?.kind, 'user');
    assert.equal(p.state().tasks['fail']?.status, 'failed');
  });

  test('an id changed in task.md while its task runs is renamed when the attempt ends; meanwhile the new id is explained', async () => {
    const text = (id: string) => `# Rename\n\n- [ ] Work\n  - id: ${id}\n  - run: \`sleep 3; echo w > w.txt\`\n  - produces: \`w.txt\`\n`;
    const p = project({ 'task.md': text('A') });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: testEnv() });
    try {
      await waitFor('A running', () => p.state().tasks['A']?.status === 'running', 20_000);
      writeFileSync(p.file('task.md'), text('A2'));
      await waitFor('the rename deferred', () => p.journal().some((e) => /renames A to A2/.test(e.msg)), 10_000);
      const k = await runAura(['kill', 'A2'], { cwd: p.dir, env: testEnv() });
      assert.equal(k.code, 2);
      assert.match(k.stdout + k.stderr, /"A2" is the new id task\.md gives A; .*use aura kill A/);
      await waitFor('renamed after its attempt', () => p.state().tasks['A2']?.status === 'done', 20_000);
      const s = p.state();
      assert.equal(s.tasks['A'], undefined);
      assert.equal(s.tasks['A2']?.attempts.length, 1, 'history kept');
    } finally {
      d.kill('SIGTERM');
      await d.exited;
    }
  });

  test('temp files a killed daemon left anywhere aura writes atomically are removed at the next start', async () => {
    const p = project({ 'task.md': '# Temps\n\n- [ ] One\n  - id: one\n  - run: `true`\n' });
    await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv() });
    const left = ['.aura/state/progress.md.tmp-999999-3', '.aura/state/state.json.tmp-999999-1', '.aura/summaries/one.md.tmp-999999-2'];
    for (const f of left) p.write(f, 'half');
    await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv() });
    for (const f of left) assert.equal(existsSync(p.file(f)), false, f);
  });

  test('aura start inside .aura is refused; a project path that is not UTF-8 is named as such', async () => {
    const p = project({ 'task.md': '# Ok\n\n- [ ] One\n  - run: `true`\n' });
    await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv() });
    p.write('.aura/task.md', '# Inside\n');
    const r = await runAura(['task.md'], { cwd: p.file('.aura'), env: testEnv() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /inside an \.aura directory/);
    assert.equal(existsSync(p.file('.aura/.aura')), false);
    // A directory whose name is not valid UTF-8, entered by the shell (Node cannot name it).
    const bad = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn('/bin/sh', ['-c', `d=$(printf '${p.dir}/bad\\377dir'); mkdir "$d" && printf '# G\\n' > "$d/task.md" && cd "$d" && exec "$0" "$1" task.md --once`, process.execPath, AURA_BIN], { env: testEnv() });
      let out = '';
      c.stdout.on('data', (b: Buffer) => (out += b.toString()));
      c.stderr.on('data', (b: Buffer) => (out += b.toString()));
      c.on('exit', (code) => resolve({ code, out }));
    });
    assert.equal(bad.code, 2, bad.out);
    assert.match(bad.out, /not valid UTF-8/);
  });
});

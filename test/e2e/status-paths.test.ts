// Issue 13: where `aura status` comes from. A live daemon answers it from memory; with none, an older
// one or one that does not answer, the CLI reads the run from disk; a stopped run's status comes from
// the cache the daemon wrote as it stopped, only while that cache matches the files. Every source
// gives the same text for the same run (times aside).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { statusFromDisk } from '../../src/cli/status-disk.js';
import { request } from '../../src/daemon/control.js';
import { layoutFor } from '../../src/store/layout.js';
import { readLock } from '../../src/store/lock-read.js';
import { readStatusCache, writeStatusCache } from '../../src/store/status-cache.js';
import { pidsWithEnv, projectsForThisFile, runAura, startDaemon, testEnv, waitFor } from '../helpers/aura.js';

const project = projectsForThisFile();

/** The text without what moves with the clock: the render time and every duration. */
const timeless = (s: string): string =>
  s
    .replace(/updated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, 'updated T')
    .replace(/\b\d+h \d\dm\b|\b\d+m \d\ds\b|\b\d+(ms|s|m|h)\b/g, 'D');

const TASKS = '# Paths\n\n- [ ] Quick\n  - id: quick\n  - run: `echo q > q.txt`\n  - produces: `q.txt`\n\n- [ ] Long\n  - id: long\n  - run: `sleep 30`\n';

describe('aura status: live daemon, disk, cache', () => {
  test('a live daemon answers from memory, and says what the disk says', async () => {
    const p = project({ 'task.md': TASKS });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: testEnv({ AURA_MAX_CONCURRENT_TASKS: '1' }) });
    try {
      await waitFor('long running', () => p.state().tasks.long?.status === 'running');
      const layout = layoutFor(p.dir);
      const lock = await readLock(layout);
      assert.ok(lock?.alive);
      const reply = await request(lock.info.socketPath, { cmd: 'status' }, 5000);
      assert.ok(reply.ok && typeof reply.text === 'string');
      assert.match(reply.text, new RegExp(`daemon pid ${d.child.pid} `));
      const disk = await statusFromDisk(layout, p.dir, false, true);
      assert.equal(timeless(reply.text), timeless(disk));

      // The CLI takes the daemon's answer: it works with state.json out of the way.
      const moved = ['state.json', 'state.prev.json'].filter((f) => existsSync(path.join(layout.stateDir, f)));
      for (const f of moved) renameSync(path.join(layout.stateDir, f), path.join(layout.stateDir, `${f}.away`));
      let s;
      try {
        s = await runAura(['status'], { cwd: p.dir });
      } finally {
        for (const f of moved) if (!existsSync(path.join(layout.stateDir, f))) renameSync(path.join(layout.stateDir, `${f}.away`), path.join(layout.stateDir, f));
      }
      assert.equal(s.code, 0, s.stderr);
      assert.equal(s.stderr, '');
      assert.equal(timeless(s.stdout), timeless(disk));

      const j = await runAura(['status', '--json'], { cwd: p.dir });
      const json = JSON.parse(j.stdout) as { daemon: { pid: number }; tasks: Array<{ id: string; status: string }> };
      assert.equal(json.daemon.pid, d.child.pid);
      assert.deepEqual(json.tasks.map((t) => [t.id, t.status]), [['quick', 'done'], ['long', 'running']]);

      // A daemon that does not answer (stopped by a signal): the disk answers after a short wait.
      d.child.kill('SIGSTOP');
      try {
        const t0 = Date.now();
        const slow = await runAura(['status'], { cwd: p.dir });
        assert.equal(slow.code, 0, slow.stderr);
        assert.match(slow.stdout, /🔄 Long \[long\] · running/);
        assert.match(slow.stdout, new RegExp(`daemon pid ${d.child.pid} running`));
        assert.ok(Date.now() - t0 < 10_000);
      } finally {
        d.child.kill('SIGCONT');
      }
    } finally {
      d.kill();
      await d.exited;
    }
  });

  test('a daemon killed with kill -9 leaves a status cache that still holds and says what the disk says', async () => {
    const p = project({ 'task.md': TASKS });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: testEnv({ AURA_MAX_CONCURRENT_TASKS: '1' }) });
    const layout = layoutFor(p.dir);
    const runId = await waitFor('the run id', () => p.state().runId);
    try {
      // Kept current while the daemon runs, not only written as it stops.
      await waitFor('a current status cache with long running', () => p.state().tasks.long?.status === 'running' && readStatusCache(layout)?.includes('"long"'));
      d.kill('SIGKILL');
      await d.exited;
      assert.ok(readStatusCache(layout), 'the cache taken between cycles still matches the files');
      const cached = await runAura(['status'], { cwd: p.dir });
      renameSync(layout.statusCacheFile, `${layout.statusCacheFile}.away`);
      const disk = await runAura(['status'], { cwd: p.dir });
      renameSync(`${layout.statusCacheFile}.away`, layout.statusCacheFile);
      assert.equal(cached.code, 0, cached.stderr);
      assert.match(cached.stdout, /🔄 Long \[long\] · running/);
      assert.match(cached.stdout, /^daemon stopped/m);
      assert.equal(timeless(cached.stdout), timeless(disk.stdout));
    } finally {
      d.kill('SIGKILL');
      for (const pid of pidsWithEnv(`AURA_RUN_ID=${runId}`)) process.kill(pid, 'SIGKILL');
    }
  });

  test('an older daemon that does not know the request: the disk answers', async () => {
    const p = project({ 'task.md': TASKS.replace('sleep 30', 'true') });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stderr);
    const layout = layoutFor(p.dir);
    const expected = await statusFromDisk(layout, p.dir, false, false);
    // A stand-in for an older daemon: it holds the lock and answers ping, and nothing else.
    const sock = path.join(layout.runDir, 'old.sock');
    const old = spawn(
      process.execPath,
      [
        '-e',
        `const net = require('net');
         net.createServer((s) => s.on('data', (b) => {
           const req = JSON.parse(String(b));
           s.end(JSON.stringify(req.cmd === 'ping' ? { ok: true, pid: process.pid, mode: 'sleeping', nextWakeAt: null, startedAt: null } : { ok: false, error: 'unknown command "' + req.cmd + '"' }) + '\\n');
         })).listen(process.argv[1], () => console.log('ready'));`,
        sock,
        p.dir, // its command line names an aura project, as a daemon's does
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((ok) => old.stdout!.once('data', ok));
      writeFileSync(layout.lockFile, JSON.stringify({ pid: old.pid, startTicks: null, startedAt: new Date().toISOString(), socketPath: sock, version: '0.0.1', taskFile: p.file('task.md') }));
      const s = await runAura(['status'], { cwd: p.dir });
      assert.equal(s.code, 0, s.stderr);
      assert.match(s.stdout, new RegExp(`daemon pid ${old.pid} sleeping`));
      assert.equal(timeless(s.stdout).replace(/daemon pid \d+ sleeping/, 'daemon done'), timeless(expected));
    } finally {
      old.kill();
    }
  });

  test('a stopped run: the cache answers only while it matches the run on disk', async () => {
    const p = project({ 'task.md': TASKS.replace('sleep 30', 'true') });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stderr);
    const layout = layoutFor(p.dir);
    const body = readStatusCache(layout);
    assert.ok(body, 'the daemon left a status cache that matches the run');

    const cached = await runAura(['status'], { cwd: p.dir });
    renameSync(layout.statusCacheFile, `${layout.statusCacheFile}.away`);
    const disk = await runAura(['status'], { cwd: p.dir });
    renameSync(`${layout.statusCacheFile}.away`, layout.statusCacheFile);
    assert.equal(cached.code, 0);
    assert.match(cached.stdout, /^Done — all 2 tasks verified/m);
    assert.equal(timeless(cached.stdout), timeless(disk.stdout));

    // It is read: a cache that says something else (stamped for these very files) is believed...
    writeStatusCache(layout, body.replace('"goal":"Paths"', '"goal":"From the cache"'));
    assert.match((await runAura(['status'], { cwd: p.dir })).stdout, /^aura · From the cache$/m);
    // ...until the journal moves on (here a foreign line; a new daemon appends the same way).
    appendFileSync(layout.journalFile, readFileSync(layout.journalFile, 'utf8').trim().split('\n').at(-1)!.replace(/"seq":\d+/, '"seq":999999') + '\n');
    const after = await runAura(['status'], { cwd: p.dir });
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /^aura · Paths$/m);

    // A damaged cache is ignored, never fatal.
    writeFileSync(layout.statusCacheFile, '{"v":1,"sta');
    const damaged = await runAura(['status'], { cwd: p.dir });
    assert.equal(damaged.code, 0, damaged.stderr);
    assert.equal(damaged.stderr, '');
    assert.equal(timeless(damaged.stdout), timeless(after.stdout));
    assert.equal(readFileSync(layout.statusCacheFile, 'utf8'), '{"v":1,"sta', 'status writes nothing');
  });

  test('a large --json comes out whole through a pipe, and a hand edit of state.json is seen at once', async () => {
    const p = project({ 'task.md': TASKS.replace('sleep 30', 'true') });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stderr);
    const layout = layoutFor(p.dir);
    assert.ok(readStatusCache(layout));
    // 4,000 more tasks written by hand: megabytes of JSON, and state.json no longer what the cache describes.
    const state = JSON.parse(readFileSync(layout.stateFile, 'utf8')) as { goal: string; tasks: Record<string, { id: string; children: string[] }> };
    const quick = state.tasks.quick!;
    const goal = Object.values(state.tasks).find((t) => t.children.includes('quick'))!;
    for (let i = 0; i < 4000; i++) {
      state.tasks[`q${i}`] = { ...quick, id: `q${i}` };
      goal.children.push(`q${i}`);
    }
    state.goal = 'Edited by hand';
    writeFileSync(layout.stateFile, JSON.stringify(state));
    const j = await runAura(['status', '--json'], { cwd: p.dir });
    assert.equal(j.code, 0, j.stderr);
    assert.ok(j.stdout.length > 1_000_000, `${j.stdout.length} bytes`);
    assert.equal((JSON.parse(j.stdout) as { tasks: unknown[] }).tasks.length, 4002);
    const s = await runAura(['status'], { cwd: p.dir });
    assert.match(s.stdout, /^aura · Edited by hand$/m);
    assert.match(s.stdout, /4,002 tasks done: quick … q3999/);
  });
});

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readStat } from '../../src/proc/index.js';
import type { Layout } from '../../src/store/layout.js';
import { acquireLock } from '../../src/store/lock.js';
import { readLock, type LockInfo } from '../../src/store/lock-read.js';
import { AuraError } from '../../src/util/errors.js';
import { tempProject } from './fixtures.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REQ = { socketPath: '/tmp/aura.sock', version: '0.1.0', taskFile: '/p/task.md' };

async function deadPid(): Promise<number> {
  const child = spawn('true', [], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

async function writeLock(L: Layout, info: Partial<LockInfo> | string): Promise<void> {
  await fs.mkdir(L.runDir, { recursive: true });
  const full = { pid: 1, startTicks: 1, startedAt: '2026-01-01T00:00:00.000Z', ...REQ };
  await fs.writeFile(L.lockFile, typeof info === 'string' ? info : JSON.stringify({ ...full, ...info }));
}

test('acquire writes the lock; a second acquire is LOCKED naming the holder; release is idempotent', async (t) => {
  const L = await tempProject(t);
  const h = await acquireLock(L, REQ, { now: () => Date.parse('2026-03-01T10:00:00Z') });
  assert.equal(h.tookOverFrom, null);
  const onDisk = JSON.parse(await fs.readFile(L.lockFile, 'utf8'));
  assert.deepEqual(onDisk, { ...REQ, pid: process.pid, startTicks: readStat(process.pid)!.startTicks, startedAt: '2026-03-01T10:00:00.000Z' });
  assert.deepEqual(await readLock(L), { info: onDisk, alive: true });

  await assert.rejects(acquireLock(L, REQ), (err: unknown) => {
    assert.ok(err instanceof AuraError);
    assert.equal(err.code, 'LOCKED');
    assert.equal(err.message, `another aura daemon (PID ${process.pid}, started 2026-03-01T10:00:00.000Z) is already running in ${L.project}`);
    assert.equal(err.hint, 'stop it with `aura stop`, or wait for it to finish');
    return true;
  });

  await h.release();
  await h.release();
  h.releaseSync();
  assert.equal(await readLock(L), null);
  const again = await acquireLock(L, REQ);
  again.releaseSync();
  again.releaseSync();
  await again.close();
  assert.deepEqual(await fs.readdir(L.runDir), []);
});

const stale: Array<{ name: string; lock: () => Promise<Partial<LockInfo> | string>; pid: () => Promise<number> | number; reason: RegExp }> = [
  (() => {
    let pid = 0;
    return {
      name: 'dead PID',
      lock: async () => ({ pid: (pid = await deadPid()) }),
      pid: () => pid,
      reason: /^PID \d+ is no longer running$/,
    };
  })(),
  {
    name: 'live PID with other start ticks (PID reused)',
    lock: async () => ({ pid: process.pid, startTicks: readStat(process.pid)!.startTicks + 1 }),
    pid: () => process.pid,
    reason: /now belongs to another process/,
  },
  { name: 'empty file (a crashed create)', lock: async () => '', pid: () => 0, reason: /empty or unreadable/ },
  { name: 'not JSON', lock: async () => '{"pid": 12', pid: () => 0, reason: /empty or unreadable/ },
];

for (const c of stale) {
  test(`a stale lock (${c.name}) is taken over and reported`, async (t) => {
    const L = await tempProject(t);
    await writeLock(L, await c.lock());
    const before = await readLock(L);
    if (before) assert.equal(before.alive, false);
    const h = await acquireLock(L, REQ);
    t.after(() => h.release());
    assert.equal(h.tookOverFrom?.pid, await c.pid());
    assert.match(h.tookOverFrom?.reason ?? '', c.reason);
    assert.equal(JSON.parse(await fs.readFile(L.lockFile, 'utf8')).pid, process.pid);
  });
}

test('a live process that is not aura does not hold the lock', async (t) => {
  const L = await tempProject(t);
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => sleeper.kill('SIGKILL'));
  await once(sleeper, 'spawn');
  await writeLock(L, { pid: sleeper.pid!, startTicks: readStat(sleeper.pid!)!.startTicks });
  const h = await acquireLock(L, REQ);
  t.after(() => h.release());
  assert.deepEqual(h.tookOverFrom, { pid: sleeper.pid, reason: `PID ${sleeper.pid} is not an aura process` });
});

test('release leaves a lock that is no longer ours alone', async (t) => {
  const L = await tempProject(t);
  const h = await acquireLock(L, REQ);
  await fs.rm(L.lockFile);
  await writeLock(L, { pid: 4242 });
  await h.release();
  assert.equal((await readLock(L))?.info.pid, 4242);
});

// A contender: loads the lock module and says "ready"; then, per round, acquires on "go <project>",
// reports, and releases on "release". Staying alive across rounds makes many rounds cheap.
// The trailing `aura-race` argument makes its cmdline mention aura, like a real daemon's.
const CONTENDER = `
import { createInterface } from 'node:readline';
const { acquireLock } = await import(${JSON.stringify(path.join(ROOT, 'src/store/lock.ts'))});
const { layoutFor } = await import(${JSON.stringify(path.join(ROOT, 'src/store/layout.ts'))});
console.log('ready');
let h = null;
for await (const line of createInterface({ input: process.stdin })) {
  if (line.startsWith('go ')) {
    try {
      h = await acquireLock(layoutFor(line.slice(3)), { socketPath: 's', version: 'v', taskFile: 't' });
      console.log(JSON.stringify({ won: true, tookOverFrom: h.tookOverFrom }));
    } catch (err) {
      console.log(JSON.stringify({ won: false, code: err.code, message: err.message }));
    }
  } else if (line === 'release') {
    await h?.release();
    h = null;
    console.log('released');
  }
}
`;

interface Contender {
  child: ChildProcess;
  next: () => Promise<string>;
}

function contender(): Contender {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CONTENDER, 'aura-race'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const it = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    child,
    next: async () => {
      const r = await it.next();
      if (r.done) throw new Error(`contender ${child.pid} exited early`);
      return r.value as string;
    },
  };
}

test('10 processes racing for a stale lock: exactly one wins, every round', { timeout: 120_000 }, async (t) => {
  const all = Array.from({ length: 10 }, () => contender());
  t.after(() => all.forEach((c) => c.child.kill('SIGKILL')));
  for (const c of all) assert.equal(await c.next(), 'ready');
  const wins = new Map<number, number>();

  for (let round = 0; round < 25; round++) {
    const L = await tempProject(t);
    const gone = await deadPid();
    await writeLock(L, { pid: gone });
    for (const c of all) c.child.stdin!.write(`go ${L.project}\n`);
    const results = await Promise.all(all.map(async (c) => ({ pid: c.child.pid!, ...JSON.parse(await c.next()) })));

    const winners = results.filter((r) => r.won);
    assert.equal(winners.length, 1, JSON.stringify(results));
    const winner = winners[0]!;
    wins.set(winner.pid, (wins.get(winner.pid) ?? 0) + 1);
    // Whoever moved the stale lock aside, the winner reports the takeover.
    assert.deepEqual(winner.tookOverFrom, { pid: gone, reason: `PID ${gone} is no longer running` });
    for (const r of results.filter((x) => !x.won)) {
      assert.equal(r.code, 'LOCKED');
      assert.match(r.message, new RegExp(`^another aura daemon \\(PID ${winner.pid}, started `));
    }
    assert.deepEqual(await readLock(L).then((l) => [l?.info.pid, l?.alive]), [winner.pid, true]);

    for (const c of all) c.child.stdin!.write('release\n');
    for (const c of all) assert.equal(await c.next(), 'released');
    assert.deepEqual(await fs.readdir(L.runDir), [], 'the winner released it and no temp files are left');
  }
  for (const c of all) c.child.stdin!.end();
  await Promise.all(all.map((c) => (c.child.exitCode !== null ? null : once(c.child, 'exit'))));
  t.diagnostic(`wins per contender: ${[...wins.values()].join(' ')}`);
});

test('update adds the dashboard address by replacing the file; release still recognises it as ours', async (t) => {
  const L = await tempProject(t);
  const h = await acquireLock(L, REQ);
  const mode = (await fs.stat(L.lockFile)).mode & 0o777;
  const http = { host: '127.0.0.1', port: 4321, url: 'http://127.0.0.1:4321/', tokenFile: path.join(L.runDir, 'http.token') };
  await h.update({ http });
  const onDisk = JSON.parse(await fs.readFile(L.lockFile, 'utf8'));
  assert.deepEqual(onDisk.http, http);
  assert.equal(onDisk.pid, process.pid);
  assert.deepEqual((await readLock(L))?.info.http, http);
  assert.deepEqual(h.info.http, http);
  assert.equal((await fs.stat(L.lockFile)).mode & 0o777, mode, 'the mode is kept');
  assert.deepEqual(await fs.readdir(L.runDir), ['daemon.lock'], 'no temp file left behind');
  await h.release();
  assert.equal(await readLock(L), null, 'the updated file was released as ours');
  await assert.rejects(h.update({ http }), /already released/);
});

test('update refuses when the lock file is no longer ours; a malformed http field is ignored by readers', async (t) => {
  const L = await tempProject(t);
  const h = await acquireLock(L, REQ);
  await writeLock(L, { pid: process.pid });
  await assert.rejects(h.update({ http: undefined }), /no longer ours/);
  await writeLock(L, { pid: process.pid, http: { host: '127.0.0.1', port: 'x' } } as unknown as Partial<LockInfo>);
  const r = await readLock(L);
  assert.equal(r?.info.pid, process.pid);
  assert.equal(r?.info.http, undefined);
});

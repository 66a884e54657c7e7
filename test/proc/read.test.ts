import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import {
  findByEnvMarker,
  listPids,
  processMatches,
  readCmdline,
  readEnvironHas,
  readStat,
  scanProcesses,
} from '../../src/proc/index.js';
import { readView, UNREADABLE } from '../../src/proc/read.js';

function start(t: { after(fn: () => void): void }, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  // Own process group, so cleanup also reaches anything the child started.
  const child = spawn(cmd, args, { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore', detached: true });
  t.after(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  });
  return child;
}

async function deadPid(): Promise<number> {
  const child = spawn('true', [], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

const waitFor = async <T>(fn: () => Promise<T | null> | T | null, what: string): Promise<T> => {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
};

test('readStat and readCmdline see this process; a gone pid reads as null', async () => {
  const me = readStat(process.pid);
  assert.ok(me);
  assert.equal(me.pid, process.pid);
  assert.equal(me.ppid, process.ppid);
  assert.ok(me.startTicks > 0);
  assert.ok(me.rssPages > 0);
  assert.ok(readCmdline(process.pid)?.[0]?.includes('node'));
  const gone = await deadPid();
  assert.equal(readStat(gone), null);
  assert.equal(readCmdline(gone), null);
  assert.equal(readEnvironHas(gone, 'A=1'), null);
  assert.equal(processMatches({ pid: gone, startTicks: null }), false);
  assert.throws(() => readStat(0), RangeError);
});

test('processMatches checks the start ticks and treats zombies as dead', async (t) => {
  const me = readStat(process.pid)!;
  assert.equal(processMatches({ pid: process.pid, startTicks: me.startTicks }), true);
  assert.equal(processMatches({ pid: process.pid, startTicks: null }), true);
  assert.equal(processMatches({ pid: process.pid, startTicks: me.startTicks + 1 }), false);

  // `true` runs in the background and exits; sleep (exec'd in its place) never reaps it: a zombie.
  const parent = start(t, 'sh', ['-c', 'true & exec sleep 30']);
  await once(parent, 'spawn');
  const zombie = await waitFor(async () => (await scanProcesses()).find((p) => p.ppid === parent.pid && p.state === 'Z') ?? null, 'a zombie');
  assert.equal(processMatches({ pid: zombie.pid, startTicks: zombie.startTicks }), false);
  assert.deepEqual(readCmdline(zombie.pid), []);
});

test('scanProcesses lists this process and a child, and survives processes vanishing', async (t) => {
  const child = start(t, 'sleep', ['30']);
  await once(child, 'spawn');
  const all = await scanProcesses();
  assert.ok(all.some((p) => p.pid === process.pid));
  assert.ok(all.some((p) => p.pid === child.pid && p.ppid === process.pid));
  assert.ok((await listPids()).includes(process.pid));

  // Churn: short-lived processes come and go while we keep scanning.
  let churning = true;
  const churn = (async () => {
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(Array.from({ length: 8 }, () => once(spawn('true', [], { stdio: 'ignore' }), 'exit')));
    }
    churning = false;
  })();
  let scans = 0;
  while (churning) {
    await scanProcesses();
    await findByEnvMarker('AURA_CHURN', 'x');
    scans++;
  }
  assert.ok(scans > 0);
  await churn;
});

test('findByEnvMarker finds marked processes (and their descendants) and nothing else', async (t) => {
  const marker = `m-${process.pid}-${Date.now()}`;
  const marked = start(t, 'sh', ['-c', 'sleep 30 & wait'], { AURA_TEST_MARKER: marker });
  const prefix = start(t, 'sleep', ['30'], { AURA_TEST_MARKER: `${marker}-other` });
  const otherKey = start(t, 'sleep', ['30'], { XAURA_TEST_MARKER: marker });
  const unmarked = start(t, 'sleep', ['30']);
  await Promise.all([marked, prefix, otherKey, unmarked].map((c) => once(c, 'spawn')));

  const found = await waitFor(async () => {
    const r = await findByEnvMarker('AURA_TEST_MARKER', marker);
    return r.length >= 2 ? r : null;
  }, 'the marked shell and its sleep');
  const pids = found.map((p) => p.pid).sort((a, b) => a - b);
  const grandchild = found.find((p) => p.ppid === marked.pid);
  assert.ok(grandchild, 'the backgrounded sleep inherits the marker');
  assert.deepEqual(pids, [marked.pid!, grandchild.pid].sort((a, b) => a - b));
  assert.equal(readEnvironHas(marked.pid!, `AURA_TEST_MARKER=${marker}`), true);
  assert.equal(readEnvironHas(prefix.pid!, `AURA_TEST_MARKER=${marker}`), false);
  assert.equal(readEnvironHas(process.pid, `AURA_TEST_MARKER=${marker}`), false);
  await assert.rejects(findByEnvMarker('A=B', 'x'), RangeError);
});

// /proc files are read into one reused 64 KB buffer (src/proc/read.ts): an environment longer than
// that must still be read whole, and the reads after it must see their own file, not its bytes.
test('an environment far past one read buffer is read whole; the next reads see their own files', async (t) => {
  const marker = `m-big-${process.pid}-${Date.now()}`;
  // One string may be at most 128 KB (MAX_ARG_STRLEN): three pads of 50 KB, the marker, then 70 KB.
  const pads = { AURA_A_PAD1: 'a'.repeat(50_000), AURA_A_PAD2: 'b'.repeat(50_000), AURA_A_PAD3: 'c'.repeat(50_000) };
  const big = start(t, 'sleep', ['30'], { ...pads, AURA_TEST_MARKER: marker, AURA_Z_PAD: 'z'.repeat(70_000) });
  await once(big, 'spawn');
  const found = await waitFor(async () => {
    const r = await findByEnvMarker('AURA_TEST_MARKER', marker);
    return r.length ? r : null;
  }, 'the process with a 220 KB environment');
  assert.deepEqual(found.map((p) => p.pid), [big.pid]);
  assert.equal(readEnvironHas(big.pid!, `AURA_Z_PAD=${'z'.repeat(70_000)}`), true, 'the entry past 192 KB is seen');
  assert.ok(readView(`/proc/${big.pid}/environ`, UNREADABLE)!.length > 220_000);
  assert.deepEqual(readCmdline(big.pid!), ['sleep', '30']);
  assert.equal(readStat(big.pid!)?.pid, big.pid);
  assert.equal(readView(`/proc/${big.pid}/nonexistent`, UNREADABLE), null);
});

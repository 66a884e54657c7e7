// The daemon's cycle with fakes for everything outside it: no processes, no /proc, no network, a
// clock that moves only when told. The journal and the snapshot are real files in a temp dir (cheap).
// Each test drives cycles by hand, as the daemon's wake queue would.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { Cycle } from '../../src/daemon/cycle.js';
import type { Ports } from '../../src/daemon/cycle-ports.js';
import type { LiveWorker } from '../../src/daemon/ports.js';
import { Journal } from '../../src/store/journal.js';
import { layoutFor } from '../../src/store/layout.js';
import { readStatusCache } from '../../src/store/status-cache.js';
import { StateStore } from '../../src/store/state-store.js';
import type { Spawned } from '../../src/workers/spawn.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

class FakeClock {
  t = new Date('2026-06-01T10:00:00Z').getTime();
  now = () => new Date(this.t);
  advance(s: number) {
    this.t += s * 1000;
  }
}

/** A world of fakes around a real Cycle on a temp project. */
async function world(taskMd: string, settings: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-cycle-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'task.md'), taskMd);
  const layout = layoutFor(dir);
  const { config } = loadConfig({ projectDir: dir, env: { AURA_RETRY_BACKOFF_SECONDS: '10', ...settings }, homeDir: dir, flags: {} });
  const journal = await Journal.open(layout);
  const store = new StateStore(layout);
  const clock = new FakeClock();
  const wakes: string[] = [];
  const launched: string[] = [];
  const stopped: Array<[string, string]> = [];
  const notified: string[] = [];
  const live = new Map<string, LiveWorker>();
  let pid = 1000;
  const pool: Ports['pool'] = {
    get size() {
      return live.size;
    },
    has: (t) => live.has(t),
    list: () => [...live.values()],
    track: (task, attempt, marker, attemptDirAbs) => void live.set(task, { task, attempt, marker, attemptDirAbs }),
    adopt: () => undefined,
    stop: (task, reason) => {
      stopped.push([task, reason]);
      return null;
    },
    stopAll: async () => undefined,
    detachAll: () => live.clear(),
  };
  const watchdog: Ports['watchdog'] = {
    limits: { cpuPercent: 0, memPercent: 0, memBytes: 0 },
    track: () => undefined,
    untrack: () => undefined,
    preflight: () => ({ ok: true, notes: [] }),
    placement: () => ({ argvPrefix: [], env: {}, cpus: null, note: null }),
    snapshot: () => ({ workers: [] }) as unknown as ReturnType<Ports['watchdog']['snapshot']>,
    start: () => undefined,
    close: () => undefined,
  };
  const cycle = new Cycle({
    layout,
    journal,
    store,
    config,
    env: {},
    taskFile: path.join(dir, 'task.md'),
    log: () => undefined,
    debug: () => undefined,
    wake: (r) => void wakes.push(r),
    daemonInfo: () => ({ pid: 1, mode: 'running', nextWakeAt: null, startedAt: null }),
    atRest: (fn) => fn(), // these tests drive one cycle at a time and look between them
    clock,
    ports: {
      pool,
      watchdog,
      stalls: { start: () => undefined, close: () => undefined, isSuspect: () => false },
      notifier: { notify: (e) => void notified.push(e.kind), close: async () => undefined },
      launch: async (i): Promise<Spawned> => {
        launched.push(i.task.id);
        return { ref: { pid: ++pid, pgid: pid, startTicks: 1 }, exited: new Promise(() => undefined) };
      },
    },
  });
  const { readTaskFile } = await import('../../src/taskfile/read.js');
  await cycle.init({ loaded: { state: null, recovery: null, replayed: 0, skipped: [] }, taskText: await readTaskFile(path.join(dir, 'task.md')), lockTakenOver: null, journalRepaired: null });
  const run = (...reasons: string[]) => cycle.run(reasons.length ? reasons : ['test'], { draining: false }, () => undefined);
  /** The worker of `task` ends with `code`. */
  const exit = (task: string, code: number, stopReason: string | null = null) => {
    const w = live.get(task)!;
    live.delete(task);
    cycle.queueExit({ task, attempt: w.attempt, exit: { code, signal: null }, stopReason, adopted: false });
  };
  /** Waits for an evidence job's wake. */
  const evidence = async (task: string) => {
    const t0 = Date.now();
    while (!wakes.some((w) => w === `evidence for ${task}`)) {
      if (Date.now() - t0 > 5000) throw new Error(`no evidence for ${task}: ${wakes.join(', ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    wakes.splice(0);
  };
  return { dir, cycle, clock, run, exit, evidence, launched, stopped, notified, wakes, journal };
}

const TWO = '# Two\n\n- [ ] A\n  - id: a\n  - run: `x`\n- [ ] B\n  - id: b\n  - run: `x`\n';

describe('the cycle, with fake ports', () => {
  it('starts the first step, judges its clean exit, starts the next, and ends done', async () => {
    const w = await world(TWO);
    let r = await w.run();
    assert.deepEqual(w.launched, ['a']);
    assert.equal(r.outcome, 'working');
    w.exit('a', 0);
    r = await w.run('worker a exited');
    assert.equal(w.cycle.state.tasks['a']?.status, 'verifying');
    await w.evidence('a');
    r = await w.run('evidence for a');
    assert.equal(w.cycle.state.tasks['a']?.status, 'done');
    assert.deepEqual(w.launched, ['a', 'b'], 'b followed in the same cycle');
    w.exit('b', 0);
    await w.run();
    await w.evidence('b');
    r = await w.run();
    assert.equal(r.outcome, 'done');
    assert.equal(w.cycle.state.tasks['goal']?.status, 'done');
    assert.ok(w.notified.includes('goal_done'));
  });

  it('a failed attempt backs off (the due time is the clock\'s), then starts again when it is due', async () => {
    const w = await world(TWO);
    await w.run();
    w.exit('a', 1);
    const r = await w.run();
    const a = w.cycle.state.tasks['a']!;
    assert.equal(a.status, 'pending');
    assert.equal(r.nextDueAt?.toISOString(), new Date(w.clock.t + 10_000).toISOString());
    await w.run('too early');
    assert.deepEqual(w.launched, ['a']);
    w.clock.advance(10);
    await w.run('retry due');
    assert.deepEqual(w.launched, ['a', 'a']);
  });

  it('a person\'s kill fails the task when its worker ends, instead of retrying it', async () => {
    const w = await world(TWO);
    await w.run();
    const answer = new Promise<{ ok: boolean; message: string }>((done) => w.cycle.request({ cmd: 'kill', task: 'a', done }));
    await w.run('aura kill a');
    assert.equal((await answer).ok, true);
    assert.deepEqual(w.stopped[0]?.[0], 'a');
    w.exit('a', 143, 'killed by the user (aura kill)');
    const r = await w.run();
    assert.equal(w.cycle.state.tasks['a']?.status, 'failed');
    assert.equal(r.outcome, 'stuck');
  });

  it('an idle heartbeat writes nothing to the journal', async () => {
    const w = await world('# Idle\n\n- [x] Done already\n  - run: `x`\n');
    await w.run();
    const before = w.journal.bytes;
    for (let i = 0; i < 5; i++) await w.run('interval');
    assert.equal(w.journal.bytes, before);
  });

  it('the run budget pauses starting work and says why', async () => {
    const w = await world(TWO, { AURA_RUN_TOKEN_BUDGET: '1' });
    // A finished attempt that reported tokens: the index keeps its usage.
    await w.run();
    const a = w.cycle.state.tasks['a']!;
    w.cycle.book.setTask({ ...a, attempts: a.attempts.map((x) => ({ ...x, usage: { inputTokens: 5, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null }, endedAt: x.startedAt })) });
    await w.run();
    assert.equal(w.cycle.state.pause?.kind, 'budget');
    assert.ok(w.notified.includes('budget_reached'));
  });

  it('the status cache follows every commit, not progress.md\'s pace', async () => {
    // A busy daemon renders progress.md every few hundred ms; a cache taken only then almost never
    // held after a kill -9 (the journal had moved since). It is taken as each commit lands instead.
    const w = await world(TWO);
    const layout = layoutFor(w.dir);
    await w.run();
    assert.ok(readStatusCache(layout), 'the first cycle\'s commit left a cache that holds');
    w.exit('a', 0);
    await w.run('worker a exited');
    const body = readStatusCache(layout);
    assert.ok(body, 'so did the second\'s, with no render in between');
    const digest = JSON.parse(body) as { facts: { counts: Record<string, number> } };
    assert.equal(digest.facts.counts['verifying'], 1, 'a is being checked, as the journal says');
    assert.equal(digest.facts.counts['running'], 0);
  });
});

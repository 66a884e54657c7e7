// The Watchdog's poll logic, deterministic: a synthetic process table, injected memory figures, a
// canned nvidia-smi runner and a hand-moved clock; poll() is called directly instead of the timer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from '../../src/config/schema.js';
import { SECTION_MARK } from '../../src/watchdog/gpu-parse.js';
import { GIB, MIB, type WatchdogConfig } from '../../src/watchdog/limits.js';
import type { ProcRow } from '../../src/watchdog/proc-table.js';
import type { RunResult } from '../../src/util/run-command.js';
import type { SystemMemory } from '../../src/watchdog/system.js';
import { TreeSampler } from '../../src/watchdog/tree-sample.js';
import type { KillVerdict } from '../../src/watchdog/verdict.js';
import { Watchdog } from '../../src/watchdog/watchdog.js';
import { FIXTURES } from './helpers.js';

function row(pid: number, ppid: number, o: Partial<ProcRow> = {}): ProcRow {
  return { pid, ppid, comm: 'x', state: 'S', pgid: pid, sid: pid, utimeTicks: 0, stimeTicks: 0, startTicks: 10, rssPages: 0, childTicks: 0, ...o };
}

function rig(cfg: Partial<WatchdogConfig>, gpuOut?: () => RunResult) {
  let now = 0;
  let uptime = 1000;
  const world = { table: [] as ProcRow[], mem: { totalBytes: 16 * GIB, availableBytes: 8 * GIB } as SystemMemory };
  const kills: Array<[string, KillVerdict]> = [];
  const tree = new TreeSampler({ readTable: async () => world.table, readMarker: () => null, uptimeTicks: () => uptime, pageSize: 4096 });
  const wd = new Watchdog({
    config: { ...defaultConfig(), AURA_WORKER_RESOURCE_POLL_SECONDS: 1, AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS: 3, AURA_WORKER_RESOURCE_VIOLATION_STRIKES: 2, ...cfg },
    clock: { now: () => now },
    tree,
    memory: () => world.mem,
    cpus: 4,
    runGpu: gpuOut ? async () => gpuOut() : undefined,
    env: { PATH: FIXTURES },
    onKill: (task, v) => kills.push([task, v]),
  });
  const tick = async (ms = 1000) => {
    now += ms;
    uptime += ms / 10;
    await wd.poll();
  };
  return { wd, world, kills, tick };
}

test('CPU % of the whole machine from tick deltas; first poll unknown', async () => {
  const r = rig({ AURA_WORKER_MAX_CPU_PERCENT: 30 });
  r.wd.track('A', 'm', { pid: 100, startTicks: 10 });
  r.world.table = [row(100, 1, { utimeTicks: 0 })];
  await r.tick();
  assert.equal(r.wd.snapshot().workers[0]?.cpuPercent, null);
  // 200 ticks in 1 s on 4 CPUs at 100 ticks/s = 2 of 4 CPUs = 50%.
  r.world.table = [row(100, 1, { utimeTicks: 200 })];
  await r.tick();
  assert.equal(r.wd.snapshot().workers[0]?.cpuPercent, 50);
  assert.equal(r.kills.length, 0, 'one strike');
  r.world.table = [row(100, 1, { utimeTicks: 400 })];
  await r.tick();
  assert.equal(r.kills[0]?.[1].limit, 'cpuPercent');
  assert.equal(r.kills[0]?.[1].average, 50);
  r.world.table = [row(100, 1, { utimeTicks: 600 })];
  await r.tick();
  assert.equal(r.kills.length, 1, 'one verdict per worker');
});

test('the free-memory reserve is charged to the biggest worker only', async () => {
  const r = rig({ AURA_WORKER_MIN_SYSTEM_MEMORY_FREE_GB: 2 });
  r.wd.track('small', 's', { pid: 100, startTicks: 10 });
  r.wd.track('big', 'b', { pid: 200, startTicks: 10 });
  r.world.table = [row(100, 1, { rssPages: (GIB / 4096) * 0.5 }), row(200, 1, { rssPages: (GIB / 4096) * 3 })];
  await r.tick();
  r.world.mem = { totalBytes: 16 * GIB, availableBytes: 0.5 * GIB };
  await r.tick(); // window average (8 + 0.5)/2 GB: still above 2
  await r.tick(); // (8 + .5 + .5)/3 = 3: above
  await r.tick(); // window 3 s: (.5 ×3) → below: strike 1
  assert.equal(r.kills.length, 0);
  await r.tick();
  assert.deepEqual(r.kills.map(([t]) => t), ['big']);
  const v = r.kills[0]?.[1];
  assert.equal(v?.limit, 'memReserve');
  assert.equal(v?.usedBytes, 3 * GIB);
  assert.match(v?.message ?? '', /free system memory averaged 512 MB over 3 s, below the 2 GB reserve, and this worker used the most \(3 GB\)/);
});

test('GPU memory %, unknown polls hold strikes, other PIDs ignored', async () => {
  let mode: 'ok' | 'timeout' = 'ok';
  const gpuOut = (): RunResult =>
    mode === 'timeout'
      ? { status: 'timeout' }
      : { status: 'exit', code: 0, signal: null, stdout: `0, GPU-a, 50, 60000, 80000, Disabled\n${SECTION_MARK}\n101, GPU-a, 50000\n999, GPU-a, 10000\n`, stderr: '' };
  const r = rig({ AURA_WORKER_MAX_GPU_MEMORY_PERCENT: 50, AURA_WORKER_RESOURCE_VIOLATION_STRIKES: 3 }, gpuOut);
  r.wd.track('A', 'm', { pid: 100, startTicks: 10 });
  r.world.table = [row(100, 1), row(101, 100)];
  await r.tick();
  const w = r.wd.snapshot().workers[0];
  assert.equal(w?.gpuMemBytes, 50000 * MIB);
  assert.equal(r.wd.snapshot().workers[0]?.strikesBy.gpuMemPercent, 1, '62.5% of GPU-a > 50%');
  mode = 'timeout';
  await r.tick();
  await r.tick();
  assert.equal(r.wd.snapshot().gpu.status, 'unknown');
  assert.equal(r.wd.snapshot().workers[0]?.strikesBy.gpuMemPercent, 1, 'held, not added, not cleared');
  assert.equal(r.wd.snapshot().workers[0]?.gpuMemBytes, null);
  mode = 'ok';
  await r.tick();
  await r.tick();
  assert.equal(r.kills[0]?.[1].limit, 'gpuMemPercent');
  assert.equal(r.kills[0]?.[1].average, 62.5);
  assert.equal(r.kills[0]?.[1].strikes, 3);
});

test('snapshot: peaks, sparklines, strikes, and GPU off without GPU limits', async () => {
  const r = rig({ AURA_WORKER_MAX_SYSTEM_MEMORY_GB: 10 });
  r.wd.track('A', 'm', { pid: 100, startTicks: 10 });
  for (const mb of [100, 300, 200]) {
    r.world.table = [row(100, 1, { rssPages: (mb * MIB) / 4096 })];
    await r.tick();
  }
  const s = r.wd.snapshot();
  assert.deepEqual(s.gpu, { status: 'off', reason: 'no GPU limit set' });
  const w = s.workers[0];
  assert.equal(w?.rssBytes, 200 * MIB);
  assert.equal(w?.peaks.memBytes, 300 * MIB);
  assert.equal(w?.sparklines.rss, '▃█▆');
  assert.equal(w?.strikes, 0);
  assert.equal(w?.processes, 1);
  assert.deepEqual(s.system, { totalBytes: 16 * GIB, availableBytes: 8 * GIB, cpus: 4 });
  r.wd.untrack('A');
  assert.equal(r.wd.snapshot().workers.length, 0);
});

test('preflight from the latest figures', async () => {
  const r = rig({ AURA_WORKER_MIN_SYSTEM_MEMORY_FREE_GB: 10, AURA_WORKER_MIN_GPU_MEMORY_FREE_GB: 1 }, () => ({ status: 'exit', code: 0, signal: null, stdout: `0, GPU-a, 0, 79500, 80000, Disabled\n${SECTION_MARK}\n`, stderr: '' }));
  const p = r.wd.preflight();
  assert.ok(!p.ok && /only 8 GB of system memory free, below the 10 GB reserve/.test(p.reason));
  r.world.mem = { totalBytes: 16 * GIB, availableBytes: 12 * GIB };
  const q = r.wd.preflight();
  assert.ok(q.ok && q.notes.some((n) => /GPU memory unknown/.test(n)), 'no GPU poll yet: unknown, not a refusal');
  r.wd.track('A', 'm', null);
  await r.tick();
  const g = r.wd.preflight();
  assert.ok(!g.ok && /GPU 0 has only 500 MB free/.test(g.reason));
});

test('guard off: start() does nothing but say so; close() twice is fine', () => {
  const notices: string[] = [];
  const wd = new Watchdog({ config: { ...defaultConfig(), AURA_WORKER_RESOURCE_GUARD: false }, onKill: () => {}, onNotice: (m) => notices.push(m) });
  wd.start();
  assert.match(notices[0] ?? '', /resource guard off/);
  wd.close();
  wd.close();
});

test('a throwing onKill is reported, and the loop goes on', async () => {
  const tree = new TreeSampler({ readTable: async () => [row(100, 1, { rssPages: 1e6 })], readMarker: () => null, uptimeTicks: () => 1, pageSize: 4096 });
  const wd = new Watchdog({
    config: { ...defaultConfig(), AURA_WORKER_MAX_SYSTEM_MEMORY_GB: 1, AURA_WORKER_RESOURCE_VIOLATION_STRIKES: 1 },
    tree,
    memory: () => ({ totalBytes: 16 * GIB, availableBytes: 8 * GIB }),
    onKill: () => {
      throw new Error('boom');
    },
  });
  wd.track('A', 'm', { pid: 100, startTicks: 10 });
  await wd.poll();
  assert.deepEqual(wd.notices, ['onKill(A) threw: boom']);
});

test('the GPU free-memory reserve is charged to the biggest user of the short GPU', async () => {
  // GPU-a: 80000 MiB total, 79000 used → 1000 MiB free, under a 2 GB reserve. B uses more of it.
  const out = (): RunResult => ({
    status: 'exit',
    code: 0,
    signal: null,
    stdout: `0, GPU-a, 90, 79000, 80000, Disabled\n1, GPU-b, 0, 100, 80000, Disabled\n${SECTION_MARK}\n101, GPU-a, 9000\n201, GPU-a, 30000\n101, GPU-b, 50\n`,
    stderr: '',
  });
  const r = rig({ AURA_WORKER_MIN_GPU_MEMORY_FREE_GB: 2 }, out);
  r.wd.track('A', 'a', { pid: 100, startTicks: 10 });
  r.wd.track('B', 'b', { pid: 200, startTicks: 10 });
  r.world.table = [row(100, 1), row(101, 100), row(200, 1), row(201, 200)];
  await r.tick();
  await r.tick();
  assert.deepEqual(r.kills.map(([t]) => t), ['B']);
  assert.equal(r.kills[0]?.[1].limit, 'gpuReserve');
  assert.equal(r.kills[0]?.[1].usedBytes, 30000 * MIB);
  assert.match(r.kills[0]?.[1].message ?? '', /free GPU memory averaged 1000 MB over 3 s, below the 2 GB reserve, and this worker used the most \(29\.3 GB\)/);
});

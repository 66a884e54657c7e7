import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GIB } from '../../src/watchdog/limits.js';
import { cpuPercent, describe, overLimit, reserveCulprit, step, underReserve, type Check, type Strikes } from '../../src/watchdog/verdict.js';

test('overLimit: the poll counts only when its own reading is known', () => {
  const cases: Array<[number | null, number | null, boolean | null]> = [
    [5, 5, false], // equal is not over
    [6, 5.5, true],
    [1, 6, true], // the average decides, not the spike or dip
    [9, 4, false],
    [null, 9, null], // unknown now: neither adds nor clears
    [3, null, null],
  ];
  for (const [current, average, violated] of cases) {
    assert.equal(overLimit('cpuPercent', 5, current, average).violated, violated, `${current}/${average}`);
  }
});

test('underReserve charges only the culprit', () => {
  assert.equal(underReserve('memReserve', 2 * GIB, GIB, GIB, { isCulprit: true, usedBytes: 3 * GIB }).violated, true);
  assert.equal(underReserve('memReserve', 2 * GIB, GIB, GIB, { isCulprit: false, usedBytes: GIB }).violated, false);
  assert.equal(underReserve('memReserve', 2 * GIB, 3 * GIB, 3 * GIB, { isCulprit: true, usedBytes: GIB }).violated, false);
  assert.equal(underReserve('gpuReserve', 2 * GIB, null, GIB, { isCulprit: true, usedBytes: GIB }).violated, null);
});

test('reserveCulprit: the biggest user, ties to the first, nobody → null', () => {
  const cases: Array<[Array<{ id: string; bytes: number | null }>, string | null]> = [
    [[], null],
    [[{ id: 'a', bytes: 0 }], null],
    [[{ id: 'a', bytes: 1 }, { id: 'b', bytes: 3 }, { id: 'c', bytes: 2 }], 'b'],
    [[{ id: 'a', bytes: 3 }, { id: 'b', bytes: 3 }], 'a'],
    [[{ id: 'a', bytes: null }, { id: 'b', bytes: 1 }], 'b'],
  ];
  for (const [users, want] of cases) assert.equal(reserveCulprit(users), want);
});

const v = (key: Check['key'], violated: boolean | null, average = 10, limit = 5): Check => ({ key, limit, average, violated });

test('step: strikes per limit, unknown holds, fine clears, kill at N', () => {
  type Row = { name: string; prev: Strikes; checks: Check[]; want: Strikes; kill: string | null };
  const rows: Row[] = [
    { name: 'first strike', prev: {}, checks: [v('memBytes', true)], want: { memBytes: 1 }, kill: null },
    { name: 'third strike kills', prev: { memBytes: 2 }, checks: [v('memBytes', true)], want: { memBytes: 3 }, kill: 'memBytes' },
    { name: 'fine clears', prev: { memBytes: 2 }, checks: [v('memBytes', false)], want: {}, kill: null },
    { name: 'unknown holds', prev: { gpuMemBytes: 2 }, checks: [v('gpuMemBytes', null)], want: { gpuMemBytes: 2 }, kill: null },
    { name: 'unknown does not kill even at N', prev: { gpuMemBytes: 3 }, checks: [v('gpuMemBytes', null)], want: { gpuMemBytes: 3 }, kill: null },
    { name: 'limits count apart', prev: { cpuPercent: 2, gpuMemBytes: 1 }, checks: [v('cpuPercent', false), v('gpuMemBytes', true)], want: { gpuMemBytes: 2 }, kill: null },
    { name: 'switched-off limit forgets', prev: { cpuPercent: 2 }, checks: [], want: {}, kill: null },
    {
      name: 'two at once: the one furthest over',
      prev: { cpuPercent: 2, memBytes: 2 },
      checks: [v('cpuPercent', true, 6, 5), v('memBytes', true, 20, 5)],
      want: { cpuPercent: 3, memBytes: 3 },
      kill: 'memBytes',
    },
  ];
  for (const r of rows) {
    const out = step(r.prev, r.checks, 3, 30_000);
    assert.deepEqual(out.strikes, r.want, r.name);
    assert.equal(out.verdict?.limit ?? null, r.kill, r.name);
  }
});

test('verdict carries the figures for the journal', () => {
  const out = step({ memBytes: 1 }, [{ key: 'memBytes', limit: 2 * GIB, average: 3.1 * GIB, violated: true }], 2, 30_000);
  assert.deepEqual(out.verdict, {
    kind: 'kill',
    limit: 'memBytes',
    limitValue: 2 * GIB,
    average: 3.1 * GIB,
    unit: 'bytes',
    windowSeconds: 30,
    strikes: 2,
    message: 'RSS averaged 3.1 GB over 30 s against a 2 GB limit',
  });
  const r = step({}, [{ key: 'memReserve', limit: 2 * GIB, average: 0.5 * GIB, violated: true, usedBytes: 3 * GIB }], 1, 10_000);
  assert.equal(r.verdict?.usedBytes, 3 * GIB);
  assert.equal(r.verdict?.message, 'free system memory averaged 512 MB over 10 s, below the 2 GB reserve, and this worker used the most (3 GB)');
});

test('describe: every limit has a sentence', () => {
  assert.equal(describe('cpuPercent', 87.25, 50, 30), 'CPU averaged 87.3% of the machine over 30 s against a 50% limit');
  assert.equal(describe('gpuUtilPercent', 95, 50, 0.4), 'GPU utilisation averaged 95% over 0.4 s against a 50% limit');
  assert.equal(describe('gpuMemPercent', 80, 50, 30), "GPU memory averaged 80% of its GPUs' total over 30 s against a 50% limit");
  assert.equal(describe('memPercent', 41, 25, 30), 'RSS averaged 41% of system memory over 30 s against a 25% limit');
  assert.match(describe('gpuReserve', GIB, 2 * GIB, 30, 5 * GIB), /free GPU memory averaged 1 GB .* 2 GB reserve, and this worker used the most \(5 GB\)/);
});

test('cpuPercent is of the whole machine', () => {
  const cases: Array<[number | null, number, number, number, number | null]> = [
    [100, 1000, 100, 1, 100], // one CPU fully busy for 1 s on a 1-CPU machine
    [100, 1000, 100, 2, 50], // same work on 2 CPUs: half the machine
    [400, 2000, 100, 4, 50],
    [null, 1000, 100, 2, null], // first poll
    [10, 0, 100, 2, null],
  ];
  for (const [d, ms, tck, n, want] of cases) assert.equal(cpuPercent(d, ms, tck, n), want);
});

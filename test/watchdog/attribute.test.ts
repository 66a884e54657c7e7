import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attribute, tickDelta, type WorkerRoot } from '../../src/watchdog/attribute.js';
import { parseStatRow, type ProcRow } from '../../src/watchdog/proc-table.js';
import { markerValue, TreeSampler } from '../../src/watchdog/tree-sample.js';

function row(pid: number, ppid: number, o: Partial<ProcRow> = {}): ProcRow {
  return { pid, ppid, comm: `p${pid}`, state: 'S', pgid: pid, sid: pid, utimeTicks: 0, stimeTicks: 0, startTicks: 1000 + pid, rssPages: 1, childTicks: 0, ...o };
}

const W: WorkerRoot[] = [
  { key: 'A', marker: 'run:A:1', root: { pid: 100, startTicks: 1100 } },
  { key: 'B', marker: 'run:B:1', root: { pid: 200, startTicks: 1200 } },
];

function pids(m: Map<string, ProcRow[]>): Record<string, number[]> {
  return Object.fromEntries([...m].map(([k, rows]) => [k, rows.map((r) => r.pid).sort((a, b) => a - b)]));
}

test('attribution by parentage, then by marker, kernel threads never asked', () => {
  const rows = [
    row(1, 0),
    row(2, 0),
    row(3, 2), // kthread
    row(50, 1), // the daemon-ish stranger
    row(100, 50),
    row(101, 100),
    row(102, 101), // grandchild
    row(200, 50),
    row(300, 1), // escapee of A (setsid, reparented to init)
    row(301, 300), // its child: by parentage from the escapee
    row(400, 1), // marked for an untracked worker
  ];
  const marks: Record<number, string> = { 300: 'run:A:1', 301: 'run:A:1', 400: 'run:Z:1', 102: 'run:A:1' };
  const asked: number[] = [];
  const got = attribute(rows, W, (p) => {
    asked.push(p.pid);
    return marks[p.pid] ?? null;
  });
  assert.deepEqual(pids(got), { A: [100, 101, 102, 300, 301], B: [200] });
  assert.ok(!asked.includes(3) && !asked.includes(2), 'kernel threads skipped');
  assert.ok(!asked.includes(101) && !asked.includes(102), 'parentage-attributed processes not asked');
});

test('a reused root pid (other start time) is not the worker; marker still finds its processes', () => {
  const rows = [row(100, 1, { startTicks: 9999 }), row(101, 100), row(500, 1)];
  const got = attribute(rows, W, (p) => (p.pid === 500 ? 'run:A:1' : null));
  assert.deepEqual(pids(got), { A: [500], B: [] });
  const nullStart = attribute([row(100, 1, { startTicks: 5 }), row(101, 100)], [{ key: 'A', marker: 'm', root: { pid: 100, startTicks: null } }], () => null);
  assert.deepEqual(pids(nullStart), { A: [100, 101] }, 'unknown start ticks: the pid alone');
  const noRoot = attribute([row(7, 1)], [{ key: 'A', marker: 'm', root: null }], () => 'm');
  assert.deepEqual(pids(noRoot), { A: [7] });
});

test('tickDelta: live deltas, new processes, exited children via cutime', () => {
  const prevRows = [row(100, 1, { utimeTicks: 50, stimeTicks: 10, childTicks: 0 }), row(101, 100, { utimeTicks: 30, startTicks: 5000 })];
  const first = tickDelta(null, prevRows, 6000);
  assert.equal(first.delta, null, 'first poll: no interval');

  type Case = { name: string; rows: ProcRow[]; want: number };
  const cases: Case[] = [
    { name: 'nothing happened', rows: prevRows, want: 0 },
    { name: 'live growth', rows: [row(100, 1, { utimeTicks: 60, stimeTicks: 15 }), row(101, 100, { utimeTicks: 40, startTicks: 5000 })], want: 25 },
    {
      name: 'child exited and was waited for: its final ticks minus what was counted',
      rows: [row(100, 1, { utimeTicks: 50, stimeTicks: 10, childTicks: 45 })],
      want: 15,
    },
    {
      name: 'short-lived child never seen: all of it via cutime',
      rows: [...prevRows.slice(0, 1).map((r) => ({ ...r, childTicks: 20 })), prevRows[1] as ProcRow],
      want: 20,
    },
    { name: 'new process since the last poll counts whole', rows: [...prevRows, row(102, 100, { utimeTicks: 7, childTicks: 3, startTicks: 6100 })], want: 10 },
    { name: 'old process newly attributed: baseline only', rows: [...prevRows, row(103, 100, { utimeTicks: 700, startTicks: 10 })], want: 0 },
    { name: 'escapee reaped by init: no negative', rows: prevRows.slice(0, 1), want: 0 },
  ];
  for (const c of cases) assert.equal(tickDelta(first.state, c.rows, 7000).delta, c.want, c.name);
});

test('parseStatRow adds cutime+cstime to parseStat', () => {
  const text = '4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 70 30 5 6 20 0 1 0 123456 1000000 250 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';
  const r = parseStatRow(text);
  assert.ok(r);
  assert.equal(r.comm, 'a) b (c)');
  assert.equal(r.utimeTicks, 70);
  assert.equal(r.stimeTicks, 30);
  assert.equal(r.childTicks, 11);
  assert.equal(r.startTicks, 123456);
  assert.equal(r.rssPages, 250);
  assert.equal(parseStatRow('garbage'), null);
});

test('markerValue: whole entries only', () => {
  const env = (...e: string[]) => Buffer.from(`${e.join('\0')}\0`);
  assert.equal(markerValue(env('PATH=/bin', 'AURA_WORKER_MARKER=r:T1:2', 'X=1')), 'r:T1:2');
  assert.equal(markerValue(env('AURA_WORKER_MARKER=first')), 'first');
  assert.equal(markerValue(env('XAURA_WORKER_MARKER=no', 'A=AURA_WORKER_MARKER=no')), null);
  assert.equal(markerValue(Buffer.from('AURA_WORKER_MARKER=unterminated')), 'unterminated');
  assert.equal(markerValue(Buffer.alloc(0)), null);
});

test('TreeSampler reads each environ once per process lifetime, again after PID reuse', async () => {
  let table: ProcRow[] = [row(1, 0), row(50, 1), row(100, 50, { rssPages: 10, utimeTicks: 5 }), row(300, 1, { rssPages: 3 })];
  const reads: number[] = [];
  const s = new TreeSampler({
    readTable: async () => table,
    readMarker: (pid) => {
      reads.push(pid);
      return pid === 300 ? 'run:A:1' : null;
    },
    uptimeTicks: () => 2000,
    pageSize: 4096,
  });
  const w = [W[0] as WorkerRoot];
  const a = (await s.sample(w)).get('A');
  assert.deepEqual(a?.pids, [100, 300]);
  assert.equal(a?.rssBytes, 13 * 4096);
  assert.equal(a?.count, 2);
  assert.equal(a?.cpuTicksDelta, null);
  assert.deepEqual(reads.sort((x, y) => x - y), [1, 50, 300]);
  await s.sample(w);
  await s.sample(w);
  assert.equal(reads.length, 3, 'no environ read for processes already known');
  table = [...table.filter((r) => r.pid !== 50), row(50, 1, { startTicks: 1900 })];
  await s.sample(w);
  assert.deepEqual(reads.slice(3), [50], 'reused pid (new start time) is read again');
  assert.equal(s.environReads, 4);
});

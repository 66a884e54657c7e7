// One listing against the followed jobs, and the sstat watchdog: pure pieces, driven with plain data.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultConfig } from '../../src/config/schema.js';
import { newHandle, type JobHandle } from '../../src/executors/slurm/handle.js';
import { JobMonitor } from '../../src/executors/slurm/monitor.js';
import { pickRow } from '../../src/executors/slurm/observe.js';
import type { QueueRow } from '../../src/executors/slurm/parse.js';
import { reconcile } from '../../src/executors/slurm/reconcile.js';
import { limitsFromConfig, type KillVerdict } from '../../src/watchdog/index.js';

const RUN = '0258990b-0000-4000-8000-000000000000';
const T0 = Date.parse('2026-12-04T12:00:00Z');

function row(jobId: string, name: string, state: string, extra: Partial<QueueRow> = {}): QueueRow {
  return { jobId, name, state, reason: 'None', startMs: T0, endMs: null, cpus: 1, nodes: 'vm', timeLimitS: 600, ...extra };
}

function handle(task: string, patch: Partial<JobHandle> = {}): JobHandle {
  return { ...newHandle({ task, attempt: 1, marker: `m:${task}`, name: `aura-0258990b-${task}-1`, attemptDirAbs: `/a/${task}`, adopted: false, memLimitBytes: null, cpus: null, phase: 'queued' }), ...patch };
}

const input = (now: number) => ({ runId: RUN, now, graceMs: 60_000, overdueMs: 120_000 });

describe('reconcile', () => {
  test('queued → running is noticed once; a final state is handed on for judging', () => {
    const a = handle('a', { jobId: '1' });
    const b = handle('b', { jobId: '2' });
    let r = reconcile([a, b], [row('1', a.name, 'RUNNING'), row('2', b.name, 'PENDING', { startMs: null })], input(T0));
    assert.equal(a.phase, 'running');
    assert.equal(b.phase, 'queued');
    assert.deepEqual(r.notices.map((n) => n.msg), ['job 1 (aura-0258990b-a-1) is running on vm']);
    r = reconcile([a, b], [row('1', a.name, 'RUNNING'), row('2', b.name, 'COMPLETED')], input(T0 + 1000));
    assert.deepEqual(r.notices, []);
    assert.deepEqual(r.ending.map((e) => [e.h.task, e.row?.state]), [['b', 'COMPLETED']]);
  });

  test('an adopted job is found by its name, whatever id a file had', () => {
    const a = handle('a', { adopted: true });
    const r = reconcile([a], [row('77', a.name, 'RUNNING')], input(T0));
    assert.equal(a.jobId, '77');
    assert.match(r.notices[0]?.msg ?? '', /re-adopted job 77 \(aura-0258990b-a-1\) by its name/);
  });

  test('a job missing from the listing is missing first, and handed on with its first-missing time', () => {
    const a = handle('a', { jobId: '1' });
    let r = reconcile([a], [], input(T0));
    assert.equal(a.missingSince, T0);
    assert.equal(r.ending[0]?.row, null);
    r = reconcile([a], [], input(T0 + 30_000));
    assert.equal(a.missingSince, T0, 'kept from the first miss');
    reconcile([a], [row('1', a.name, 'RUNNING')], input(T0 + 31_000));
    assert.equal(a.missingSince, null, 'listed again: forgiven');
  });

  test('a job still running long past its time limit is cancelled by aura', () => {
    const a = handle('a', { jobId: '1', phase: 'running' });
    const r = reconcile([a], [row('1', a.name, 'RUNNING', { timeLimitS: 60 })], input(T0 + 60_000 + 120_001));
    assert.deepEqual(r.overdue, [a]);
  });

  test("live jobs of this run that no attempt follows are leftovers; other users' and finished ones are not", () => {
    const a = handle('a', { jobId: '1' });
    const r = reconcile(
      [a],
      [
        row('1', a.name, 'RUNNING'),
        row('5', 'aura-0258990b-b-2', 'RUNNING'), // an attempt given up on
        row('6', 'aura-0258990b-old-1', 'COMPLETED'),
        row('7', 'aura-ffffffff-a-1', 'RUNNING'), // another run
        row('8', 'train.sh', 'RUNNING'),
        row('9', a.name, 'PENDING'), // a second job under a followed name
      ],
      input(T0),
    );
    assert.deepEqual(r.strays.map((x) => x.jobId).sort(), ['5', '9']);
  });

  test('while sbatch runs, the job is not judged (it may not be listed yet)', () => {
    const a = handle('a', { phase: 'submitting' });
    const r = reconcile([a], [], input(T0));
    assert.deepEqual(r.ending, []);
    assert.deepEqual(r.strays, []);
  });

  test('which row a name stands for: the known id, else a live one', () => {
    const rows = [row('1', 'n', 'CANCELLED'), row('2', 'n', 'RUNNING')];
    assert.equal(pickRow(rows, '1')?.row.jobId, '1');
    assert.equal(pickRow(rows, null)?.row.jobId, '2');
    assert.equal(pickRow([], null), null);
  });
});

describe('the sstat watchdog', () => {
  const limits = (patch: Partial<ReturnType<typeof defaultConfig>>) =>
    limitsFromConfig({ ...defaultConfig(), AURA_WORKER_RESOURCE_VIOLATION_STRIKES: 2, AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS: 10, ...patch });
  const u = (cpuSeconds: number, rssMb: number) => ({ cpuSeconds, rssBytes: rssMb * 2 ** 20, maxRssBytes: rssMb * 2 ** 20 });

  test('memory over the limit for the strikes in a row: one verdict with the figures, then nothing more', () => {
    const kills: Array<[string, KillVerdict]> = [];
    const m = new JobMonitor(limits({ AURA_WORKER_MAX_SYSTEM_MEMORY_GB: 0.5 }), (t, v) => kills.push([t, v]));
    const jobs = [{ task: 'hog', jobId: '9', cpus: 1 }];
    m.feed(T0, jobs, new Map([['9', u(1, 800)]]));
    assert.equal(kills.length, 0, 'one strike');
    m.feed(T0 + 1000, jobs, new Map([['9', u(2, 800)]]));
    assert.equal(kills.length, 1);
    assert.equal(kills[0]![1].limit, 'memBytes');
    assert.match(kills[0]![1].message, /^RSS averaged 800 MB over 10 s against a 512 MB limit \(sstat of job 9\)$/);
    m.feed(T0 + 2000, jobs, new Map([['9', u(3, 800)]]));
    assert.equal(kills.length, 1);
    assert.match(m.line('hog') ?? '', /RSS 800 MB.*\(sstat\)/);
  });

  test('CPU is judged against the CPUs the job was given', () => {
    const kills: KillVerdict[] = [];
    const m = new JobMonitor(limits({ AURA_WORKER_MAX_CPU_PERCENT: 50 }), (_t, v) => kills.push(v));
    const jobs = [{ task: 'spin', jobId: '3', cpus: 2 }];
    m.feed(T0, jobs, new Map([['3', u(0, 10)]]));
    m.feed(T0 + 10_000, jobs, new Map([['3', u(18, 10)]])); // 18 s over 10 s on 2 CPUs = 90%
    m.feed(T0 + 20_000, jobs, new Map([['3', u(36, 10)]]));
    assert.equal(kills.length, 1);
    assert.match(kills[0]!.message, /CPU averaged 90% of its 2 allocated CPUs/);
    assert.equal(m.cpuTicks('spin'), 3600);
  });

  test('a job sstat did not report is unknown: its strikes hold, and it is never judged fine or over', () => {
    const kills: KillVerdict[] = [];
    const m = new JobMonitor(limits({ AURA_WORKER_MAX_SYSTEM_MEMORY_GB: 0.5 }), (_t, v) => kills.push(v));
    const jobs = [{ task: 'hog', jobId: '9', cpus: 1 }];
    m.feed(T0, jobs, new Map([['9', u(1, 800)]]));
    m.feed(T0 + 1000, jobs, new Map());
    assert.equal(kills.length, 0);
    m.feed(T0 + 2000, jobs, new Map([['9', u(2, 800)]]));
    assert.equal(kills.length, 1);
  });

  test('without limits it only measures', () => {
    const m = new JobMonitor(limits({}), () => assert.fail('no limit, no verdict'));
    assert.equal(m.judging, false);
    for (let i = 0; i < 5; i++) m.feed(T0 + i * 1000, [{ task: 'x', jobId: '1', cpus: 1 }], new Map([['1', u(i, 4000)]]));
    assert.equal(m.peakBytes('x'), 4000 * 2 ** 20);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escalate } from '../../src/watchdog/escalation.js';
import { GIB } from '../../src/watchdog/limits.js';
import { step, type KillVerdict } from '../../src/watchdog/verdict.js';

const verdict = (): KillVerdict => {
  const v = step({}, [{ key: 'memBytes', limit: 2 * GIB, average: 3.1 * GIB, violated: true }], 1, 30_000).verdict;
  assert.ok(v);
  return v;
};
const task = { id: 'T3', title: 'Index the corpus' };

test('1st kill: pending again, with guidance for the brief', () => {
  const e = escalate(task, 1, verdict());
  assert.equal(e.action, 'retry');
  assert.equal(e.status, 'pending');
  assert.ok(e.action === 'retry');
  assert.match(e.guidance, /^The previous attempt was stopped by the watchdog: RSS averaged 3\.1 GB over 30 s against a 2 GB limit; use less memory: /);
});

test('2nd kill: blocked, with a resource-fix subtask', () => {
  const e = escalate(task, 2, verdict());
  assert.ok(e.action === 'block');
  assert.equal(e.status, 'blocked');
  assert.equal(e.subtask.title, 'Make T3 fit its resource limits');
  assert.match(e.subtask.notes, /Task T3 \("Index the corpus"\) was stopped by the resource watchdog twice/);
  assert.match(e.subtask.notes, /stays under 2 GB/);
  assert.match(e.subtask.notes, /AURA_WORKER_\*/);
  assert.match(e.reason, /twice/);
});

test('3rd and later: failed, infeasible as specified', () => {
  for (const n of [3, 4, 10]) {
    const e = escalate(task, n, verdict());
    assert.ok(e.action === 'fail');
    assert.equal(e.status, 'failed');
    assert.match(e.reason, new RegExp(`^infeasible as specified: stopped by the watchdog ${n} times`));
  }
});

test('every limit kind gets its own advice', () => {
  const keys = ['cpuPercent', 'memPercent', 'memBytes', 'gpuUtilPercent', 'gpuMemPercent', 'gpuMemBytes', 'memReserve', 'gpuReserve'] as const;
  const seen = new Set<string>();
  for (const key of keys) {
    const v = { ...verdict(), limit: key };
    const e = escalate(task, 1, v);
    assert.ok(e.action === 'retry');
    seen.add(e.guidance.split('; ').pop() as string);
  }
  assert.ok(seen.size >= 5, 'CPU, memory, reserve, GPU util and GPU memory advice differ');
  assert.throws(() => escalate(task, 0, verdict()), RangeError);
});

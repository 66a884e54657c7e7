import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs, canTransition, transition } from '../../src/core/transitions.js';
import type { TaskStatus } from '../../src/store/schema.js';
import { T0, at, exited, makeTask } from './fixtures.js';

const STATUSES: TaskStatus[] = ['pending', 'running', 'verifying', 'done', 'failed', 'blocked', 'archived'];

// The intended table, written out independently of the source (self-transitions are always allowed).
const EXPECTED: Record<TaskStatus, TaskStatus[]> = {
  pending: ['pending', 'running', 'done', 'failed', 'blocked', 'archived'],
  running: ['running', 'verifying', 'pending', 'failed', 'blocked', 'done', 'archived'],
  verifying: ['verifying', 'done', 'pending', 'failed', 'blocked', 'archived'],
  done: ['done', 'pending', 'archived'],
  failed: ['failed', 'pending', 'done', 'archived'],
  blocked: ['blocked', 'pending', 'failed', 'done', 'archived'],
  archived: ['archived', 'pending', 'done'], // done: an archived item put back already ticked
};

describe('canTransition: all 7×7 pairs', () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const allowed = EXPECTED[from].includes(to);
      it(`${from} → ${to}: ${allowed ? 'allowed' : 'refused'}`, () => {
        assert.equal(canTransition(from, to), allowed);
      });
    }
  }
});

describe('transition', () => {
  const refused: Array<[TaskStatus, TaskStatus]> = [
    ['pending', 'verifying'],
    ['done', 'running'],
    ['done', 'failed'],
    ['failed', 'running'],
    ['blocked', 'running'],
    ['archived', 'running'],
    ['archived', 'running'],
    ['verifying', 'running'],
  ];
  for (const [from, to] of refused) {
    it(`throws on ${from} → ${to}, naming the task and both statuses`, () => {
      const t = makeTask('a', { status: from });
      assert.throws(() => transition(t, to, 'because', T0), (err: Error) => {
        assert.match(err.message, /illegal transition for task a/);
        assert.ok(err.message.includes(`${from} → ${to}`), err.message);
        assert.ok(err.message.includes('because'), err.message);
        return true;
      });
    });
  }

  it('returns the task in its new status with reason, patch and updatedAt', () => {
    const t = makeTask('a', { status: 'running', attempts: [exited(1)] });
    const { task } = transition(t, 'pending', 'retry later', at(5), { notBefore: at(15).toISOString() });
    assert.equal(task.status, 'pending');
    assert.equal(task.reason, 'retry later');
    assert.equal(task.notBefore, at(15).toISOString());
    assert.equal(task.updatedAt, at(5).toISOString());
    assert.deepEqual(task.attempts, t.attempts);
  });

  it('a patch cannot override the status or the reason', () => {
    const t = makeTask('a', { status: 'pending' });
    const { task } = transition(t, 'blocked', 'no worker', T0, { status: 'done', reason: 'sneaky' });
    assert.equal(task.status, 'blocked');
    assert.equal(task.reason, 'no worker');
  });

  it('does not modify its input', () => {
    const t = makeTask('a', { status: 'running' });
    const copy = structuredClone(t);
    transition(t, 'verifying', 'exit 0', T0, { notBefore: null });
    assert.deepEqual(t, copy);
  });

  it('the journal entry carries a full snapshot of the task after the change', () => {
    const t = makeTask('a', { status: 'verifying', attempts: [exited(1, 0)], produces: ['out.txt'], verify: 'test -s out.txt' });
    const { task, entry } = transition(t, 'done', 'verified: exit 0', T0);
    assert.deepEqual(entry, { kind: 'status', task: 'a', from: 'verifying', to: 'done', msg: 'verified: exit 0', data: { task } });
    const snap = entry.data!.task as typeof task;
    // Every field of the task is there, so the state can be rebuilt from the journal alone.
    assert.deepEqual(Object.keys(snap).sort(), Object.keys(task).sort());
    assert.equal(snap.status, 'done');
    assert.equal(snap.updatedAt, T0.toISOString());
    // The snapshot survives a JSON round trip unchanged (it is what journal.jsonl stores).
    assert.deepEqual(JSON.parse(JSON.stringify(snap)), JSON.parse(JSON.stringify(task)));
  });

  it('a self-transition is allowed and still journalled', () => {
    const t = makeTask('a', { status: 'pending', notBefore: at(60).toISOString() });
    const { task, entry } = transition(t, 'pending', 'changed in task.md', T0, { notBefore: null });
    assert.equal(task.notBefore, null);
    assert.equal(entry.from, 'pending');
    assert.equal(entry.to, 'pending');
  });
});

describe('backoffMs (capped exponential)', () => {
  const rows: Array<[failed: number, base: number, max: number, ms: number]> = [
    [0, 10, 600, 10_000],
    [1, 10, 600, 10_000],
    [2, 10, 600, 20_000],
    [3, 10, 600, 40_000],
    [4, 10, 600, 80_000],
    [5, 10, 600, 160_000],
    [6, 10, 600, 320_000],
    [7, 10, 600, 600_000],
    [8, 10, 600, 600_000],
    [50, 10, 600, 600_000],
    [1_000_000, 10, 600, 600_000],
    [1, 0, 600, 0],
    [5, 0, 600, 0],
    [3, 10, 0, 0],
    [1, 1, 600, 1_000],
    [3, 30, 100, 100_000],
  ];
  for (const [failed, base, max, ms] of rows) {
    it(`${failed} failed, base ${base}s, max ${max}s → ${ms} ms`, () => {
      assert.equal(backoffMs(failed, base, max), ms);
    });
  }

  it('never returns a non-finite number for huge attempt counts', () => {
    assert.ok(Number.isFinite(backoffMs(Number.MAX_SAFE_INTEGER, 10, 600)));
  });
});

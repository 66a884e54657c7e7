import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RetryPolicy, afterEvidence } from '../../src/core/outcome.js';
import { SHUTDOWN_REASON } from '../../src/core/tree.js';
import type { Attempt, TaskStatus } from '../../src/store/schema.js';
import { T0, at, exited, makeAttempt, makeEvidence, makeTask } from './fixtures.js';

const POLICY: RetryPolicy = { maxAttempts: 3, backoffBaseSeconds: 10, backoffMaxSeconds: 600 };
const FAILED = makeEvidence(false, 'not done: worker exited with code 1');
const lost = (n: number): Attempt => makeAttempt(n, { outcome: 'lost', exitCode: null, endedAt: ISO(0) });
const shutdown = (n: number): Attempt =>
  makeAttempt(n, { outcome: 'killed', exitCode: null, signal: 'SIGTERM', stopReason: SHUTDOWN_REASON });
function ISO(s: number): string {
  return at(s).toISOString();
}

describe('afterEvidence: passed', () => {
  for (const from of ['verifying', 'running', 'pending'] as TaskStatus[]) {
    it(`${from} → done, with the evidence summary as the reason and no retry time`, () => {
      const t = makeTask('a', { status: from, attempts: [exited(1), exited(2, 0)], notBefore: ISO(-30) });
      const ev = makeEvidence(true, 'verified: exit 0, verify passed');
      const { task, entry } = afterEvidence(t, ev, POLICY, T0);
      assert.equal(task.status, 'done');
      assert.equal(task.reason, 'verified: exit 0, verify passed');
      assert.equal(task.notBefore, null);
      assert.equal(entry.from, from);
      assert.equal(entry.to, 'done');
    });
  }

  it('passes even when the attempts are used up (the last one succeeded)', () => {
    const t = makeTask('a', { status: 'verifying', attempts: [exited(1), exited(2), exited(3, 0)] });
    assert.equal(afterEvidence(t, makeEvidence(true), POLICY, T0).task.status, 'done');
  });
});

describe('afterEvidence: not passed', () => {
  const rows: Array<{
    name: string;
    attempts: Attempt[];
    attemptBase?: number;
    policy?: Partial<RetryPolicy>;
    status: TaskStatus;
    notBefore: string | null;
    reason: string;
  }> = [
    {
      name: 'first failure → pending, retry in 10s',
      attempts: [exited(1)],
      status: 'pending',
      notBefore: ISO(10),
      reason: 'attempt 1 not done (worker exited with code 1); retry 2/3 in 10s',
    },
    {
      name: 'second failure → pending, retry in 20s',
      attempts: [exited(1), exited(2)],
      status: 'pending',
      notBefore: ISO(20),
      reason: 'attempt 2 not done (worker exited with code 1); retry 3/3 in 20s',
    },
    {
      name: 'third failure of three → failed with the count',
      attempts: [exited(1), exited(2), exited(3)],
      status: 'failed',
      notBefore: null,
      reason: 'failed after 3 attempts: worker exited with code 1',
    },
    {
      name: 'one attempt allowed → failed after 1 attempt (singular)',
      attempts: [exited(1)],
      policy: { maxAttempts: 1 },
      status: 'failed',
      notBefore: null,
      reason: 'failed after 1 attempt: worker exited with code 1',
    },
    {
      name: 'backoff is capped at the maximum',
      attempts: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => exited(n)),
      policy: { maxAttempts: 20, backoffMaxSeconds: 60 },
      status: 'pending',
      notBefore: ISO(60),
      reason: 'attempt 8 not done (worker exited with code 1); retry 9/20 in 60s',
    },
    {
      name: 'base 0 → retry now',
      attempts: [exited(1)],
      policy: { backoffBaseSeconds: 0 },
      status: 'pending',
      notBefore: ISO(0),
      reason: 'attempt 1 not done (worker exited with code 1); retry 2/3 now',
    },
    {
      name: 'a lost attempt retries at once and does not count',
      attempts: [lost(1)],
      status: 'pending',
      notBefore: ISO(0),
      reason: 'attempt 1 not done (worker exited with code 1); retry 1/3 now',
    },
    {
      name: 'lost after two real failures: still a retry, at once',
      attempts: [exited(1), exited(2), lost(3)],
      status: 'pending',
      notBefore: ISO(0),
      reason: 'attempt 3 not done (worker exited with code 1); retry 3/3 now',
    },
    {
      name: 'many lost attempts never use up the limit',
      attempts: [lost(1), lost(2), lost(3), lost(4), lost(5)],
      status: 'pending',
      notBefore: ISO(0),
      reason: 'attempt 5 not done (worker exited with code 1); retry 1/3 now',
    },
    {
      name: 'a real failure after a lost one backs off by the counted attempts',
      attempts: [lost(1), exited(2)],
      status: 'pending',
      notBefore: ISO(10),
      reason: 'attempt 2 not done (worker exited with code 1); retry 2/3 in 10s',
    },
    {
      name: 'attemptBase resets the count: three old failures, one new',
      attempts: [exited(1), exited(2), exited(3), exited(4)],
      attemptBase: 3,
      status: 'pending',
      notBefore: ISO(10),
      reason: 'attempt 4 not done (worker exited with code 1); retry 2/3 in 10s',
    },
    {
      name: 'attemptBase: three new failures after the reset → failed after 3',
      attempts: [exited(1), exited(2), exited(3), exited(4), exited(5)],
      attemptBase: 2,
      status: 'failed',
      notBefore: null,
      reason: 'failed after 3 attempts: worker exited with code 1',
    },
    {
      name: "an attempt stopped because aura stopped does not count",
      attempts: [exited(1), shutdown(2), exited(3)],
      status: 'pending',
      notBefore: ISO(20),
      reason: 'attempt 3 not done (worker exited with code 1); retry 3/3 in 20s',
    },
    {
      name: 'an attempt killed for another reason counts',
      attempts: [exited(1), makeAttempt(2, { outcome: 'killed', exitCode: null, stopReason: 'kill command' }), exited(3)],
      status: 'failed',
      notBefore: null,
      reason: 'failed after 3 attempts: worker exited with code 1',
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const t = makeTask('a', { status: 'verifying', attempts: r.attempts, attemptBase: r.attemptBase ?? 0 });
      const { task, entry } = afterEvidence(t, FAILED, { ...POLICY, ...r.policy }, T0);
      assert.equal(task.status, r.status);
      assert.equal(task.notBefore, r.notBefore);
      assert.equal(task.reason, r.reason);
      assert.equal(task.attempts, t.attempts);
      assert.equal(task.updatedAt, T0.toISOString());
      assert.deepEqual(
        { kind: entry.kind, task: entry.task, from: entry.from, to: entry.to, msg: entry.msg },
        { kind: 'status', task: 'a', from: 'verifying', to: r.status, msg: r.reason },
      );
      assert.deepEqual(entry.data, { task });
    });
  }

  it('from running (an attempt that never got to verifying) works the same', () => {
    const t = makeTask('a', { status: 'running', attempts: [makeAttempt(1, { outcome: 'timeout', exitCode: null })] });
    const ev = makeEvidence(false, 'not done: worker ran out of its time budget');
    const { task } = afterEvidence(t, ev, POLICY, T0);
    assert.equal(task.status, 'pending');
    assert.equal(task.reason, 'attempt 1 not done (worker ran out of its time budget); retry 2/3 in 10s');
  });

  it('a summary without the "not done: " prefix is quoted as is', () => {
    const t = makeTask('a', { status: 'verifying', attempts: [exited(1), exited(2), exited(3)] });
    const { task } = afterEvidence(t, makeEvidence(false, 'something odd'), POLICY, T0);
    assert.equal(task.reason, 'failed after 3 attempts: something odd');
  });

  it('does not modify the task it is given', () => {
    const t = makeTask('a', { status: 'verifying', attempts: [exited(1)] });
    const copy = structuredClone(t);
    afterEvidence(t, FAILED, POLICY, T0);
    assert.deepEqual(t, copy);
  });

  it('throws on a status that cannot go to failed (archived while its evidence was checked)', () => {
    const t = makeTask('a', { status: 'archived', attempts: [exited(1), exited(2), exited(3)] });
    assert.throws(() => afterEvidence(t, FAILED, POLICY, T0), /illegal transition/);
  });
});

// Safe mode: sequences of model-call failures and successes, and what the planner state says after each.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CallFailure, type SafeModePolicy, chargePlanner, afterFailure, afterSuccess, freshPlanner, modelAvailable } from '../../src/core/safe-mode.js';
import type { PlannerState } from '../../src/store/schema.js';
import { PlannerState as PlannerSchema } from '../../src/store/schema.js';
import { T0, at } from './fixtures.js';

const POLICY: SafeModePolicy = { failuresForSafeMode: 3, probeSeconds: 300 };
const transient = (message = 'overloaded (529)'): CallFailure => ({ kind: 'transient', message });
const iso = (s: number) => at(s).toISOString();

describe('safe mode', () => {
  it('a fresh planner is in model mode, schema-valid, and may call the model', () => {
    const p = freshPlanner();
    assert.equal(p.mode, 'model');
    assert.equal(p.failures, 0);
    assert.deepEqual(p.usage, { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 });
    PlannerSchema.parse(p);
    assert.equal(modelAvailable(p, T0), true);
  });

  it('transient failures below the threshold stay in model mode, counting', () => {
    let p = freshPlanner();
    for (const n of [1, 2]) {
      const r = afterFailure(p, transient(), at(n), POLICY);
      assert.equal(r.change, null);
      p = r.planner;
      assert.equal(p.mode, 'model');
      assert.equal(p.failures, n);
      assert.equal(p.reason, null);
      assert.equal(p.since, null);
      assert.equal(p.nextProbeAt, null);
      assert.equal(modelAvailable(p, at(n)), true);
    }
  });

  it('request errors count like transient ones', () => {
    const r = afterFailure(freshPlanner(), { kind: 'request', message: '400 bad request' }, T0, POLICY);
    assert.equal(r.change, null);
    assert.equal(r.planner.mode, 'model');
    assert.equal(r.planner.failures, 1);
  });

  it('the threshold failure enters safe mode with its reason, since and next probe time', () => {
    let p = freshPlanner();
    p = afterFailure(p, transient('a'), at(1), POLICY).planner;
    p = afterFailure(p, transient('b'), at(2), POLICY).planner;
    const r = afterFailure(p, transient('c: overloaded'), at(3), POLICY);
    assert.equal(r.change, 'entered');
    assert.deepEqual(
      { mode: r.planner.mode, failures: r.planner.failures, reason: r.planner.reason, since: r.planner.since, nextProbeAt: r.planner.nextProbeAt },
      { mode: 'safe', failures: 3, reason: 'c: overloaded', since: iso(3), nextProbeAt: iso(303) },
    );
    PlannerSchema.parse(r.planner);
  });

  it('a refused key enters safe mode at once', () => {
    const r = afterFailure(freshPlanner(), { kind: 'auth', message: '401 invalid x-api-key' }, T0, POLICY);
    assert.equal(r.change, 'entered');
    assert.equal(r.planner.mode, 'safe');
    assert.equal(r.planner.failures, 1);
    assert.equal(r.planner.reason, '401 invalid x-api-key');
    assert.equal(r.planner.since, T0.toISOString());
    assert.equal(r.planner.nextProbeAt, iso(300));
  });

  it('a threshold of 1 enters on the first transient failure', () => {
    const r = afterFailure(freshPlanner(), transient(), T0, { failuresForSafeMode: 1, probeSeconds: 60 });
    assert.equal(r.change, 'entered');
    assert.equal(r.planner.nextProbeAt, iso(60));
  });

  it('the model is available only once the probe time has come', () => {
    const p = afterFailure(freshPlanner(), { kind: 'auth', message: 'no' }, T0, POLICY).planner;
    assert.equal(modelAvailable(p, at(0)), false);
    assert.equal(modelAvailable(p, at(299)), false);
    assert.equal(modelAvailable(p, at(300)), true, 'exactly at the probe time');
    assert.equal(modelAvailable(p, at(301)), true);
  });

  it('safe mode without a probe time lets the model be tried', () => {
    const p: PlannerState = { ...freshPlanner(), mode: 'safe', nextProbeAt: null };
    assert.equal(modelAvailable(p, T0), true);
  });

  it('a failed probe in safe mode pushes the next probe, keeps since, updates the reason, no change reported', () => {
    const entered = afterFailure(freshPlanner(), { kind: 'auth', message: 'first' }, T0, POLICY).planner;
    const r = afterFailure(entered, transient('still down'), at(300), POLICY);
    assert.equal(r.change, null);
    assert.equal(r.planner.mode, 'safe');
    assert.equal(r.planner.failures, 2);
    assert.equal(r.planner.reason, 'still down');
    assert.equal(r.planner.since, T0.toISOString());
    assert.equal(r.planner.nextProbeAt, iso(600));
    assert.equal(modelAvailable(r.planner, at(599)), false);
    assert.equal(modelAvailable(r.planner, at(600)), true);
  });

  it('a success in safe mode leaves it and clears everything', () => {
    const entered = afterFailure(freshPlanner(), { kind: 'auth', message: 'x' }, T0, POLICY).planner;
    const r = afterSuccess(entered);
    assert.equal(r.change, 'left');
    assert.deepEqual(
      { mode: r.planner.mode, failures: r.planner.failures, reason: r.planner.reason, since: r.planner.since, nextProbeAt: r.planner.nextProbeAt },
      { mode: 'model', failures: 0, reason: null, since: null, nextProbeAt: null },
    );
    assert.equal(modelAvailable(r.planner, T0), true);
  });

  it('a success in model mode resets the failure count and reports no change', () => {
    const p = afterFailure(afterFailure(freshPlanner(), transient(), T0, POLICY).planner, transient(), at(1), POLICY).planner;
    const r = afterSuccess(p);
    assert.equal(r.change, null);
    assert.equal(r.planner.failures, 0);
    // After the reset it takes the full threshold again.
    let q = r.planner;
    q = afterFailure(q, transient(), at(2), POLICY).planner;
    q = afterFailure(q, transient(), at(3), POLICY).planner;
    assert.equal(q.mode, 'model');
    assert.equal(afterFailure(q, transient(), at(4), POLICY).change, 'entered');
  });

  it('a full cycle: model → safe → probe fails → probe succeeds → model', () => {
    const seq: Array<['fail' | 'ok', number, string | null]> = [
      ['fail', 0, null],
      ['fail', 10, null],
      ['fail', 20, 'entered'],
      ['fail', 320, null],
      ['ok', 620, 'left'],
    ];
    let p = freshPlanner();
    const changes: Array<string | null> = [];
    for (const [what, s] of seq) {
      const r = what === 'fail' ? afterFailure(p, transient(), at(s), POLICY) : afterSuccess(p);
      changes.push(r.change);
      p = r.planner;
    }
    assert.deepEqual(changes, seq.map((x) => x[2]));
    assert.equal(p.mode, 'model');
  });

  it('neither function mutates its input; other fields are carried over', () => {
    const p: PlannerState = { ...freshPlanner(), calls: 7, modelCycles: 3, hintAt: iso(5), pendingReview: 'reviews/x.md', lastReviewCycle: 2 };
    const copy = structuredClone(p);
    const f = afterFailure(p, { kind: 'auth', message: 'x' }, T0, POLICY).planner;
    const s = afterSuccess(f).planner;
    assert.deepEqual(p, copy);
    for (const q of [f, s]) {
      assert.equal(q.calls, 7);
      assert.equal(q.modelCycles, 3);
      assert.equal(q.hintAt, iso(5));
      assert.equal(q.pendingReview, 'reviews/x.md');
    }
  });

  it('usage and requests accumulate, a null cost counting as 0', () => {
    let p = freshPlanner();
    p = chargePlanner(p, 1, { inputTokens: 100, outputTokens: 20, cacheReadTokens: 5, cacheWriteTokens: 7, costUsd: 0.5 });
    p = chargePlanner(p, 3, { inputTokens: 1, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 4, costUsd: null });
    p = chargePlanner(p, 1, { inputTokens: 10, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.25 });
    assert.deepEqual(p.usage, { inputTokens: 111, outputTokens: 22, cacheReadTokens: 8, cacheWriteTokens: 11, costUsd: 0.75 });
    assert.equal(p.calls, 5);
  });

  it('usage from a state whose cost is null starts from 0', () => {
    const p: PlannerState = { ...freshPlanner(), usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null } };
    const q = chargePlanner(p, 1, { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.1 });
    assert.equal(q.usage.costUsd, 0.1);
    assert.equal(p.usage.costUsd, null, 'input not mutated');
  });
});

// The skip gate: when the model is asked and when a cycle costs nothing. Named rows for each reason
// and the precedence between them, then every combination against the rule written out independently.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SkipInputs, type SkipVerdict, declineBackoffSeconds, declineBlocks, skipGate } from '../../src/core/skip-gate.js';

const QUIET: SkipInputs = {
  firstCall: false,
  goalDone: false,
  budgetPaused: false,
  changes: 0,
  taskFileChanged: false,
  userReason: null,
  startable: 0,
  hintDue: false,
  reviewDue: false,
  retryDue: false,
};
const ALL: SkipInputs = { firstCall: true, goalDone: false, budgetPaused: false, changes: 4, taskFileChanged: true, userReason: 'look at B', startable: 2, hintDue: true, reviewDue: true, retryDue: true };

const call = (why: string): SkipVerdict => ({ call: true, why });
const skip = (why: string): SkipVerdict => ({ call: false, why });

describe('skipGate: each reason alone', () => {
  const rows: Array<[string, Partial<SkipInputs>, SkipVerdict]> = [
    ['all quiet → skip', {}, skip('nothing changed since the last call')],
    ['first call → call', { firstCall: true }, call('first cycle with the model')],
    ['task.md changed → call', { taskFileChanged: true }, call('task.md changed')],
    ['woken by a person → call, quoting the reason', { userReason: 'check the logs' }, call('woken by a person: check the logs')],
    ['an empty wake reason counts as none → skip', { userReason: '' }, skip('nothing changed since the last call')],
    ['one change → call', { changes: 1 }, call('1 change(s) since the last call')],
    ['three changes → call', { changes: 3 }, call('3 change(s) since the last call')],
    ['two startable tasks → call', { startable: 2 }, call('2 task(s) could start')],
    ['the model asked to be woken → call', { hintDue: true }, call('the model asked to be woken now')],
    ['a review is due → call', { reviewDue: true }, call('a review is due')],
    ['a failed call due for a retry → call', { retryDue: true }, call('trying again after a failed call')],
    ['budget paused alone → skip', { budgetPaused: true }, skip('the run budget is reached: the orchestrator spends nothing more')],
    ['goal done alone → skip', { goalDone: true }, skip('the goal is done')],
  ];
  for (const [name, patch, want] of rows) it(name, () => assert.deepEqual(skipGate({ ...QUIET, ...patch }), want));
});

describe('skipGate: precedence', () => {
  const rows: Array<[string, Partial<SkipInputs>, SkipVerdict]> = [
    ['budget paused wins over everything', { ...ALL, budgetPaused: true, goalDone: true }, skip('the run budget is reached: the orchestrator spends nothing more')],
    ['budget paused wins over the first call', { firstCall: true, budgetPaused: true }, skip('the run budget is reached: the orchestrator spends nothing more')],
    ['goal done skips even with changes, startables, a person and a hint', { ...ALL, taskFileChanged: false, goalDone: true }, skip('the goal is done')],
    ['goal done skips even the first call', { firstCall: true, goalDone: true }, skip('the goal is done')],
    ['goal done but task.md changed → call', { goalDone: true, taskFileChanged: true }, call('task.md changed')],
    ['goal done, task.md changed and first call → first call named', { goalDone: true, taskFileChanged: true, firstCall: true }, call('first cycle with the model')],
    ['everything → first call named', ALL, call('first cycle with the model')],
    ['then task.md', { ...ALL, firstCall: false }, call('task.md changed')],
    ['then the person', { ...ALL, firstCall: false, taskFileChanged: false }, call('woken by a person: look at B')],
    ['then changes', { ...ALL, firstCall: false, taskFileChanged: false, userReason: null }, call('4 change(s) since the last call')],
    ['then startable tasks', { ...ALL, firstCall: false, taskFileChanged: false, userReason: null, changes: 0 }, call('2 task(s) could start')],
    ['then the hint', { ...ALL, firstCall: false, taskFileChanged: false, userReason: null, changes: 0, startable: 0 }, call('the model asked to be woken now')],
    ['then the review', { ...ALL, firstCall: false, taskFileChanged: false, userReason: null, changes: 0, startable: 0, hintDue: false }, call('a review is due')],
    ['then the retry', { ...ALL, firstCall: false, taskFileChanged: false, userReason: null, changes: 0, startable: 0, hintDue: false, reviewDue: false }, call('trying again after a failed call')],
  ];
  for (const [name, patch, want] of rows) it(name, () => assert.deepEqual(skipGate({ ...QUIET, ...patch }), want));
});

describe('skipGate: every combination', () => {
  it('calls exactly when not budget-paused, not (goal done without a task.md change), and something asks', () => {
    let rows = 0;
    for (let bits = 0; bits < 1 << 10; bits++) {
      const b = (k: number) => (bits & (1 << k)) !== 0;
      const i: SkipInputs = {
        firstCall: b(0),
        goalDone: b(1),
        budgetPaused: b(2),
        changes: b(3) ? 2 : 0,
        taskFileChanged: b(4),
        userReason: b(5) ? 'why' : null,
        startable: b(6) ? 1 : 0,
        hintDue: b(7),
        reviewDue: b(8),
        retryDue: b(9),
      };
      const asks = i.firstCall || i.taskFileChanged || i.userReason !== null || i.changes > 0 || i.startable > 0 || i.hintDue || i.reviewDue || i.retryDue;
      const expected = !i.budgetPaused && (!i.goalDone || i.taskFileChanged) && asks;
      const v = skipGate(i);
      assert.equal(v.call, expected, JSON.stringify(i));
      assert.ok(v.why.length > 0);
      rows++;
    }
    assert.equal(rows, 1024);
  });
});

describe('declining ready work: the backoff before the model is asked again', () => {
  const rows: Array<[number, number, number]> = [
    [1, 300, 5],
    [2, 300, 10],
    [3, 300, 20],
    [6, 300, 160],
    [7, 300, 300],
    [50, 300, 300],
    [9, 60, 60],
    [9, 2, 5],
    [1000, 3600, 300],
  ];
  for (const [declines, heartbeat, want] of rows) {
    it(`${declines} decline(s), heartbeat ${heartbeat}s → ${want}s`, () => assert.equal(declineBackoffSeconds(declines, heartbeat), want));
  }
  it('declineBlocks holds only until the time has come', () => {
    const now = new Date('2026-01-01T00:00:10Z');
    assert.equal(declineBlocks({ declinedUntil: null }, now), null);
    assert.equal(declineBlocks({ declinedUntil: '2026-01-01T00:00:09Z' }, now), null);
    assert.equal(declineBlocks({ declinedUntil: '2026-01-01T00:00:10Z' }, now), null);
    assert.deepEqual(declineBlocks({ declinedUntil: '2026-01-01T00:00:15Z' }, now), new Date('2026-01-01T00:00:15Z'));
  });
});

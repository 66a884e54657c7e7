import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runOutcome, type RunFacts } from '../../src/core/run-outcome.js';
import { budgetStep } from '../../src/core/budget-transition.js';
import { emptyTotals } from '../../src/core/budget.js';

const quiet: RunFacts = { goalDone: false, busy: 0, started: 0, due: false, startable: 0, bookkeeping: false, running: 0, paused: false, modelPlans: false };

describe('runOutcome', () => {
  const rows: Array<[string, Partial<RunFacts>, string]> = [
    ['everything verified → done', { goalDone: true, busy: 2 }, 'done'],
    ['nothing runs, nothing can → stuck', {}, 'stuck'],
    ['a worker runs → working', { busy: 1 }, 'working'],
    ['something started this cycle → working', { started: 1 }, 'working'],
    ['a retry is due later → working', { due: true }, 'working'],
    ['a group check in flight → working', { bookkeeping: true }, 'working'],
    ['a task still says running → working', { running: 1 }, 'working'],
    ['paused with work that could start → working (waiting for resume)', { paused: true, startable: 2 }, 'working'],
    ['paused with nothing left to start → stuck (the pause holds nothing back)', { paused: true }, 'stuck'],
    ['the model declined ready work → working (asked again)', { modelPlans: true, startable: 1 }, 'working'],
    ['the rules could start something but did not (no slot) → stuck only if nothing runs', { startable: 1 }, 'stuck'],
  ];
  for (const [name, patch, want] of rows) it(name, () => assert.equal(runOutcome({ ...quiet, ...patch }), want));
});

describe('budgetStep', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const spent = { ...emptyTotals(), costUsd: 5, costed: 1, inputTokens: 900, outputTokens: 200 };
  it('under the caps → nothing', () => assert.deepEqual(budgetStep(spent, { usd: 10, tokens: 0, action: 'finish' }, null, now), { kind: 'none' }));
  it('a cap of 0 is no cap', () => assert.deepEqual(budgetStep(spent, { usd: 0, tokens: 0, action: 'stop' }, null, now), { kind: 'none' }));
  it('the USD cap reached → pause; running workers finish', () => {
    const s = budgetStep(spent, { usd: 5, tokens: 0, action: 'finish' }, null, now);
    assert.equal(s.kind, 'pause');
    if (s.kind === 'pause') {
      assert.equal(s.stopWorkers, false);
      assert.equal(s.pause.kind, 'budget');
      assert.match(s.message, /running workers may finish/);
    }
  });
  it('the token cap reached with action stop → pause and stop workers', () => {
    const s = budgetStep(spent, { usd: 0, tokens: 1000, action: 'stop' }, null, now);
    assert.equal(s.kind === 'pause' && s.stopWorkers, true);
  });
  it('already paused by the budget and still over → nothing more', () => {
    assert.deepEqual(budgetStep(spent, { usd: 5, tokens: 0, action: 'finish' }, { kind: 'budget', reason: 'x', since: 'y' }, now), { kind: 'none' });
  });
  it('paused by the budget, the cap raised → resume', () => {
    assert.deepEqual(budgetStep(spent, { usd: 50, tokens: 0, action: 'finish' }, { kind: 'budget', reason: 'x', since: 'y' }, now), { kind: 'resume' });
  });
  it('a person\'s pause is never lifted by the budget', () => {
    assert.deepEqual(budgetStep(spent, { usd: 50, tokens: 0, action: 'finish' }, { kind: 'user', reason: 'x', since: 'y' }, now), { kind: 'none' });
  });
});

// What an attempt's end means, as a table: every way a worker can end, against the task's state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attemptEnd, type AttemptEndInput } from '../../src/core/attempt-end.js';
import { BUDGET_STOP_REASON, SHUTDOWN_REASON } from '../../src/core/tree.js';
import { T0, makeAttempt, makeTask } from './fixtures.js';

const running = makeAttempt(1, { endedAt: null, outcome: null, exitCode: null });
const base: AttemptEndInput = {
  task: makeTask('A', { status: 'running', attempts: [running] }),
  attempt: running,
  record: { code: 0, signal: null, usage: null },
  exit: { code: 0, signal: null },
  stopReason: null,
  classification: null,
  adopted: false,
  killedByUser: false,
  now: T0,
};
const success = { kind: 'success' as const, message: 'done' };

const rows: Array<[string, Partial<AttemptEndInput>, string, string, string]> = [
  // name, input, outcome, next, how (substring)
  ['exit 0, no stream → verify', {}, 'exited', 'verify', 'exited with code 0'],
  ['exit 0, stream claims success → verify', { classification: success }, 'exited', 'verify', 'exited with code 0 (success: done)'],
  ['exit 0 but the stream says max_turns → conclude', { classification: { kind: 'max_turns', message: 'out of turns' } }, 'exited', 'conclude', 'max_turns'],
  ['exit 1 → conclude', { record: { code: 1, signal: null, usage: null } }, 'exited', 'conclude', 'exited with code 1'],
  ['killed by a signal on its own → conclude', { record: { code: null, signal: 'SIGSEGV', usage: null } }, 'exited', 'conclude', 'killed by SIGSEGV'],
  ['the runner record is the first truth over the pool', { record: { code: 3, signal: null, usage: null }, exit: { code: 0, signal: null } }, 'exited', 'conclude', 'code 3'],
  ['no record: the pool\'s exit', { record: null, exit: { code: 0, signal: null } }, 'exited', 'verify', 'code 0'],
  ['gone without a status → lost, conclude', { record: null, exit: null }, 'lost', 'conclude', 'gone without an exit status'],
  ['time budget → timeout, conclude', { stopReason: 'timeout', record: { code: null, signal: 'SIGTERM', usage: null } }, 'timeout', 'conclude', 'time budget used up'],
  ['could not start → spawn_error, conclude', { record: { code: 127, signal: null, spawnError: 'nope: ENOENT', usage: null } }, 'spawn_error', 'conclude', 'could not start: nope: ENOENT'],
  ['aura stopping → requeue, not counted', { stopReason: SHUTDOWN_REASON }, 'killed', 'requeue', 'stopped: aura stopped'],
  ['the run budget → requeue', { stopReason: BUDGET_STOP_REASON }, 'killed', 'requeue', 'run budget'],
  ['the person killed it → fail', { stopReason: 'killed by the user (aura kill)', killedByUser: true }, 'killed', 'fail', 'stopped: killed by the user'],
  ['the watchdog → escalation', { stopReason: 'watchdog: RSS 3 GB over 2 GB' }, 'killed', 'watchdog', 'stopped: watchdog'],
  ['a stall → conclude (the policy counts stalls)', { stopReason: 'stalled: no output' }, 'killed', 'conclude', 'stopped: stalled'],
  ['archived meanwhile → recorded, ignored', { task: makeTask('A', { status: 'archived', attempts: [running] }) }, 'exited', 'ignore', 'code 0'],
  ['a batch job on a failed node → lost, as the executor says', { record: null, exit: null, remote: { outcome: 'lost', detail: 'NODE_FAIL' } }, 'lost', 'conclude', 'gone without an exit status (NODE_FAIL)'],
  ['ticked meanwhile (done) → ignored', { task: makeTask('A', { status: 'done', attempts: [running] }) }, 'exited', 'ignore', 'code 0'],
];

describe('attemptEnd', () => {
  for (const [name, patch, outcome, next, how] of rows) {
    it(name, () => {
      const r = attemptEnd({ ...base, ...patch });
      assert.equal(r.ended.outcome, outcome);
      assert.equal(r.next.kind, next);
      assert.ok(r.how.includes(how), r.how);
      assert.equal(r.ended.endedAt, T0.toISOString());
    });
  }
  it('keeps the usage the runner recorded', () => {
    const usage = { inputTokens: 5, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.01 };
    assert.deepEqual(attemptEnd({ ...base, record: { code: 0, signal: null, usage } }).ended.usage, usage);
  });
});

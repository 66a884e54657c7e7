import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterCycle, type AfterCycleInput } from '../../src/core/after-cycle.js';

const base: AfterCycleInput = { mode: 'running', settling: false, once: false, exitWhenDone: false, leaveWorkers: false, outcome: 'working', busy: 1 };

describe('afterCycle', () => {
  const rows: Array<[string, Partial<AfterCycleInput>, unknown]> = [
    ['working → sleep until the next wake', {}, { kind: 'sleep' }],
    ['done, nothing else → sleep (without --exit-when-done the daemon stays)', { outcome: 'done', busy: 0 }, { kind: 'sleep' }],
    ['--exit-when-done, done, nothing in flight → finish 0', { exitWhenDone: true, outcome: 'done', busy: 0 }, { kind: 'finish', exitCode: 0 }],
    ['--exit-when-done, stuck → finish 1', { exitWhenDone: true, outcome: 'stuck', busy: 0 }, { kind: 'finish', exitCode: 1 }],
    ['--exit-when-done, done but a removed task still stops → drain, keeping 0', { exitWhenDone: true, outcome: 'done', busy: 1 }, { kind: 'drain', exitCode: 0 }],
    ['--once with workers → settle (wait for them)', { once: true }, { kind: 'settle' }],
    ['--once, nothing started → finish', { once: true, busy: 0 }, { kind: 'finish' }],
    ['--once --leave-workers → finish at once, leaving them', { once: true, leaveWorkers: true }, { kind: 'finish' }],
    ['settling, still busy → wait', { settling: true }, { kind: 'wait' }],
    ['settling, all ended → finish', { settling: true, busy: 0 }, { kind: 'finish' }],
    ['draining, still busy → wait', { mode: 'draining' }, { kind: 'wait' }],
    ['draining, all stopped → finish', { mode: 'draining', busy: 0 }, { kind: 'finish' }],
    ['draining wins over --exit-when-done', { mode: 'draining', exitWhenDone: true, outcome: 'done' }, { kind: 'wait' }],
  ];
  for (const [name, patch, want] of rows) it(name, () => assert.deepEqual(afterCycle({ ...base, ...patch }), want));
});

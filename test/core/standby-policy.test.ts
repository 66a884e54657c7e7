import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spareWanted } from '../../src/core/standby-policy.js';
import { TASK_STATUSES } from '../../src/store/kinds.js';
import type { TaskStatus } from '../../src/store/schema.js';

function counts(over: Partial<Record<TaskStatus, number>>): Record<TaskStatus, number> {
  const c = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  return { ...c, ...over };
}

test('a spare runner waits only while a task waits to start, in a run that may start it', () => {
  const cases: Array<[string, Partial<Record<TaskStatus, number>>, boolean, boolean, boolean]> = [
    ['tasks pending', { pending: 3, running: 1 }, false, false, true],
    ['one pending, none running', { pending: 1 }, false, false, true],
    ['nothing pending, workers running', { running: 2, done: 5 }, false, false, false],
    ['every task final', { done: 4, failed: 1, blocked: 1 }, false, false, false],
    ['paused with tasks pending', { pending: 3 }, true, false, false],
    ['stopping with tasks pending', { pending: 3 }, false, true, false],
    ['only verifying', { verifying: 1 }, false, false, false],
  ];
  for (const [name, c, paused, draining, want] of cases) assert.equal(spareWanted(counts(c), paused, draining), want, name);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spareWanted } from '../../src/core/standby-policy.js';

test('a spare runner waits only while a task waits to start, in a run that may start it here', () => {
  // [case, leaves waiting to start, paused, stopping, tasks run locally by default, wanted]
  const cases: Array<[string, number, boolean, boolean, boolean, boolean]> = [
    ['tasks waiting', 3, false, false, true, true],
    ['one waiting', 1, false, false, true, true],
    ['none waiting (workers running, groups open)', 0, false, false, true, false],
    ['paused with tasks waiting', 3, true, false, true, false],
    ['stopping with tasks waiting', 3, false, true, true, false],
    ['tasks waiting, but they run as Slurm jobs', 3, false, false, false, false],
  ];
  for (const [name, waiting, paused, draining, local, want] of cases) assert.equal(spareWanted(waiting, paused, draining, local), want, name);
});

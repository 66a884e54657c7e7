// What counts as news for the LLM planner's skip gate: one line per change worth a model call.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeChange } from '../../src/daemon/planner-bridge.js';
import type { JournalDraft } from '../../src/core/transitions.js';

const rows: [string, JournalDraft, string | null][] = [
  ['a wake is not news', { kind: 'wake', msg: 'interval' }, null],
  ['a daemon notice is not news', { kind: 'daemon', msg: 'daemon started' }, null],
  ["the planner's own record is not news", { kind: 'planner', msg: 'model cycle' }, null],
  ['attempt records pair with status changes', { kind: 'attempt', task: 'a', msg: 'attempt 1 exited with code 0' }, null],
  ['a clean exit waits for its evidence', { kind: 'status', task: 'a', from: 'running', to: 'verifying', msg: 'worker exited 0' }, null],
  ['a same-status snapshot (notes) is not news', { kind: 'status', task: 'a', from: 'pending', to: 'pending', msg: 'notes' }, null],
  ['a task done is news', { kind: 'status', task: 'a', from: 'verifying', to: 'done', msg: 'verified' }, 'a: verifying → done (verified)'],
  ['a failure is news', { kind: 'status', task: 'a', from: 'running', to: 'pending', msg: 'exit 1; retry at 10:00' }, 'a: running → pending (exit 1; retry at 10:00)'],
  ['a new task is news', { kind: 'status', task: 'b', to: 'pending', msg: 'new in task.md' }, 'b: new → pending (new in task.md)'],
  ['evidence is news', { kind: 'evidence', task: 'a', msg: 'not done: out.txt missing' }, 'evidence a: not done: out.txt missing'],
  ['a stall suspicion is news', { kind: 'decision', task: 'a', msg: 'suspected stall: no output for 300s' }, 'decision a: suspected stall: no output for 300s'],
  ['a task file change is news', { kind: 'taskfile', msg: 'task file changed: 1 added' }, 'taskfile: task file changed: 1 added'],
];

describe('describeChange', () => {
  for (const [name, d, want] of rows) test(name, () => assert.equal(describeChange(d), want));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replayJournal } from '../../src/store/replay.js';
import { entry, makeState, makeTask } from './fixtures.js';

const cases: Array<{ name: string; run: () => void }> = [
  {
    name: 'entries at or below journalSeq are ignored',
    run: () => {
      const s = makeState({ journalSeq: 5 });
      const r = replayJournal(s, [entry(4, { data: { task: makeTask('a', { status: 'done' }) } }), entry(5, { data: { state: { goal: 'x' } } })]);
      assert.equal(r.replayed, 0);
      assert.equal(r.state.tasks.a?.status, 'pending');
      assert.equal(r.state.goal, 'the goal');
    },
  },
  {
    name: 'task snapshots upsert, in seq order, whatever the input order',
    run: () => {
      const s = makeState({ journalSeq: 1 });
      const r = replayJournal(s, [
        entry(3, { data: { task: makeTask('a', { status: 'done' }) } }),
        entry(2, { data: { task: makeTask('a', { status: 'running' }) } }),
        entry(4, { data: { task: makeTask('b', { order: 1 }) } }),
      ]);
      assert.equal(r.state.tasks.a?.status, 'done');
      assert.ok(r.state.tasks.b);
      assert.equal(r.applied, 3);
      assert.equal(r.tasks, 3);
      assert.equal(r.state.journalSeq, 4);
      assert.equal(r.state.updatedAt, entry(4).ts);
    },
  },
  {
    // The daemon renames with core/rename.ts and journals the renamed task alone: replay must do the
    // rest, or a crash before the next snapshot brings the old id back beside the new one (issue 13's
    // full suite caught a reader seeing both).
    name: 'a rename entry (data.renamedFrom) moves the task to its new id, with its parent, children and dependents',
    run: () => {
      const tasks = {
        goal: makeTask('goal', { children: ['a', 'b'] }),
        a: makeTask('a', { parent: 'goal', children: ['a1'], status: 'done' }),
        a1: makeTask('a1', { parent: 'a' }),
        b: makeTask('b', { parent: 'goal', needs: ['a'] }),
      };
      const renamed = makeTask('a2', { parent: 'goal', children: ['a1'], status: 'done' });
      const r = replayJournal(makeState({ tasks, roots: ['goal'] }), [entry(1, { kind: 'status', task: 'a2', data: { task: renamed, renamedFrom: 'a' } })]);
      assert.equal(r.state.tasks.a, undefined, 'the old id is gone');
      assert.equal(r.state.tasks.a2?.status, 'done');
      assert.deepEqual(r.state.tasks.goal?.children, ['a2', 'b']);
      assert.equal(r.state.tasks.a1?.parent, 'a2');
      assert.deepEqual(r.state.tasks.b?.needs, ['a2']);
    },
  },
  {
    name: 'a rename entry whose old id is already gone (replayed twice, or never there) just upserts',
    run: () => {
      const tasks = { goal: makeTask('goal', { children: ['a2'] }), a2: makeTask('a2', { parent: 'goal' }) };
      const r = replayJournal(makeState({ tasks, roots: ['goal'] }), [entry(1, { data: { task: makeTask('a2', { parent: 'goal', status: 'done' }), renamedFrom: 'a' } })]);
      assert.deepEqual(Object.keys(r.state.tasks).sort(), ['a2', 'goal']);
      assert.equal(r.state.tasks.a2?.status, 'done');
    },
  },
  {
    name: 'top-level fields are set from data.state; other keys are ignored',
    run: () => {
      const r = replayJournal(makeState(), [
        entry(1, { data: { state: { goal: 'new goal', roots: ['a', 'b'], doneAt: '2026-03-02T00:00:00.000Z', cycle: 7, schemaVersion: 9, tasks: {} } } }),
      ]);
      assert.equal(r.state.goal, 'new goal');
      assert.deepEqual(r.state.roots, ['a', 'b']);
      assert.equal(r.state.doneAt, '2026-03-02T00:00:00.000Z');
      assert.equal(r.state.cycle, 7);
      assert.equal(r.state.schemaVersion, 1);
      assert.ok(r.state.tasks.a);
    },
  },
  {
    name: 'partial task snapshots and invalid fields are skipped and reported',
    run: () => {
      const r = replayJournal(makeState(), [
        entry(1, { data: { task: { id: 'a', status: 'done' } } }),
        entry(2, { data: { state: { goalOnly: 'yes', goal: 'ok' } } }),
        entry(3, { data: { state: 'nope' } }),
      ]);
      assert.equal(r.state.tasks.a?.status, 'pending');
      assert.equal(r.state.goalOnly, false);
      assert.equal(r.state.goal, 'ok');
      assert.deepEqual(r.skipped.map((s) => s.seq), [1, 2, 3]);
      assert.match(r.skipped[0]?.reason ?? '', /not a full task snapshot/);
      assert.match(r.skipped[1]?.reason ?? '', /data\.state\.goalOnly/);
      assert.equal(r.applied, 1);
    },
  },
  {
    name: 'entries without state data advance journalSeq only',
    run: () => {
      const s = makeState({ journalSeq: 2 });
      const r = replayJournal(s, [entry(3, { kind: 'decision' }), entry(4, { kind: 'wake', data: { why: 'timer' } })]);
      assert.equal(r.state.journalSeq, 4);
      assert.equal(r.applied, 0);
      assert.equal(r.replayed, 2);
      assert.equal(r.state.updatedAt, s.updatedAt);
    },
  },
  {
    name: 'the input state is not modified',
    run: () => {
      const s = makeState();
      const before = structuredClone(s);
      replayJournal(s, [entry(1, { data: { task: makeTask('a', { status: 'done' }), state: { goal: 'g2' } } })]);
      assert.deepEqual(s, before);
    },
  },
];

for (const c of cases) test(`replayJournal: ${c.name}`, c.run);

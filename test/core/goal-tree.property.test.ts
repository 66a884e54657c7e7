// Property: whatever the person edits, whatever the planner decomposes or cancels, however workers
// end, no live task is ever cut off from the goal, and "the goal is done" never holds while any task
// is pending, running or verifying. Runs the real pure core (applyTaskFile, buildChildren, the rules
// planner's group checks, transitions) over random interleavings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyTaskFile } from '../../src/core/apply-taskfile.js';
import { buildChildren } from '../../src/core/proposals.js';
import { planRules } from '../../src/core/rules-planner.js';
import { transition } from '../../src/core/transitions.js';
import { descendants, goalDone, liveTasks, unreachableTasks } from '../../src/core/tree.js';
import { RunState, type TaskState } from '../../src/store/schema.js';
import { deriveId, uniqueId } from '../../src/taskfile/ids.js';
import { parseTaskFile } from '../../src/taskfile/parse.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const ITEMS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

/** A task file from which items are present (and ticked), nested or not. */
function fileOf(present: boolean[], ticked: boolean[], nested: boolean): string {
  const lines = ['# The goal', ''];
  present.forEach((on, i) => {
    if (!on) return;
    const indent = nested && i % 2 === 1 ? '  ' : '';
    lines.push(`${indent}- [${ticked[i] ? 'x' : ' '}] ${ITEMS[i]}`, `${indent}  - run: true`);
  });
  return lines.join('\n') + '\n';
}

type Op =
  | { kind: 'edit'; present: boolean[]; ticked: boolean[]; nested: boolean }
  | { kind: 'decompose'; pick: number; count: number }
  | { kind: 'start'; pick: number }
  | { kind: 'end'; pick: number; ok: boolean }
  | { kind: 'cancel'; pick: number }
  | { kind: 'settle' };

const bools = fc.array(fc.boolean(), { minLength: ITEMS.length, maxLength: ITEMS.length });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), present: bools, ticked: bools, nested: fc.boolean() }),
  fc.record({ kind: fc.constant('decompose' as const), pick: fc.nat(), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('start' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('end' as const), pick: fc.nat(), ok: fc.boolean() }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.constant({ kind: 'settle' as const }),
);

let hashN = 0;
function put(st: RunState, t: TaskState, to: TaskState['status'], patch: Partial<TaskState> = {}): RunState {
  return { ...st, tasks: { ...st.tasks, [t.id]: transition(t, to, 'test', NOW, patch).task } };
}
const pickOf = <T>(xs: T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined);

function step(st: RunState, o: Op): RunState {
  const live = liveTasks(st);
  switch (o.kind) {
    case 'edit':
      return applyTaskFile(st, parseTaskFile(fileOf(o.present, o.ticked, o.nested)), { taskFile: '/p/task.md', hash: `h${++hashN}`, now: NOW, runId: 'r' }).state;
    case 'decompose': {
      const t = pickOf(
        live.filter((x) => x.status === 'pending' || x.status === 'blocked'),
        o.pick,
      );
      if (!t) return st;
      const kids = Array.from({ length: o.count }, (_, i) => ({ title: `part ${i}`, acceptance: 'a', produces: [], needs: [], run: 'true' }));
      const r = buildChildren(st, t, kids, NOW, (title, taken) => uniqueId(deriveId(title), taken));
      return { ...st, tasks: { ...st.tasks, [t.id]: r.parent, ...Object.fromEntries(r.created.map((c) => [c.id, c])) } };
    }
    case 'start': {
      const t = pickOf(
        live.filter((x) => x.status === 'pending' && x.children.length === 0),
        o.pick,
      );
      return t ? put(st, t, 'running') : st;
    }
    case 'end': {
      const t = pickOf(
        live.filter((x) => x.status === 'running' || x.status === 'verifying'),
        o.pick,
      );
      return t ? put(st, t, o.ok ? 'done' : 'failed') : st;
    }
    case 'cancel': {
      const t = pickOf(
        live.filter((x) => x.origin === 'planner' && x.status !== 'done'),
        o.pick,
      );
      if (!t) return st;
      let next = st;
      for (const x of [t, ...descendants(st, t.id)]) if (next.tasks[x.id]!.status !== 'archived') next = put(next, next.tasks[x.id]!, 'archived');
      const parent = t.parent ? next.tasks[t.parent] : undefined;
      return parent ? { ...next, tasks: { ...next.tasks, [parent.id]: { ...parent, children: parent.children.filter((c) => c !== t.id) } } } : next;
    }
    case 'settle': {
      // The daemon's bookkeeping: group checks and blocks, planned again until nothing moves.
      let next = st;
      for (let round = 0; round < 32; round++) {
        const plan = planRules(next, { now: NOW, maxConcurrent: 99, workerProblem: () => null });
        let moved = false;
        for (const a of plan.actions) {
          const t = next.tasks[a.task]!;
          if (a.type === 'check_group' && t.status !== 'done') ((next = put(next, t, 'done')), (moved = true));
          if (a.type === 'block' && t.status !== 'blocked') ((next = put(next, t, 'blocked', { blockedBy: a.cause })), (moved = true));
          if (a.type === 'unblock' && t.status !== 'pending') ((next = put(next, t, 'pending')), (moved = true));
        }
        if (!moved) break;
      }
      return next;
    }
  }
}

function check(st: RunState, trail: Op[]): void {
  const where = () => `after ${trail.map((o) => o.kind).join(' → ')}`;
  assert.deepEqual(unreachableTasks(st), [], `live tasks cut off from the goal ${where()}`);
  const open = liveTasks(st).filter((t) => t.status === 'pending' || t.status === 'running' || t.status === 'verifying');
  if (open.length) assert.equal(goalDone(st), false, `goal done while ${open.map((t) => `${t.id} is ${t.status}`).join(', ')} ${where()}`);
  assert.ok(st.tasks['goal'] && st.tasks['goal'].status !== 'archived', `the goal itself is archived ${where()}`);
}

describe('the task tree under random edits, decompositions, cancels and worker ends', () => {
  it('never cuts a live task off the goal, never calls the goal done with work open', () => {
    fc.assert(
      fc.property(bools, fc.array(op, { minLength: 1, maxLength: 30 }), (initial, ops) => {
        let st = applyTaskFile(null, parseTaskFile(fileOf(initial, initial.map(() => false), false)), { taskFile: '/p/task.md', hash: 'h0', now: NOW, runId: 'r' }).state;
        const trail: Op[] = [];
        check(st, trail);
        for (const o of ops) {
          st = step(st, o);
          trail.push(o);
          check(st, trail);
        }
        RunState.parse(st);
      }),
      { numRuns: 300 },
    );
  });
});

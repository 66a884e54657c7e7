// The incremental plan must be the rules planner's plan: for random trees (groups, needs, parent
// gating, retries backing off, workers missing) and random sequences of changes applied the way the
// daemon applies them, PlanIndex.plan() equals planRules() at every step, action for action, in order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PlanIndex, waitingLeaf } from '../../src/core/plan-index.js';
import { planRules, type PlanContext } from '../../src/core/rules-planner.js';
import { transition } from '../../src/core/transitions.js';
import { GOAL_ID } from '../../src/core/tree.js';
import { agentBackendsInUse, backendOf } from '../../src/core/spend.js';
import type { RunState, TaskState, TaskStatus } from '../../src/store/schema.js';
import { makeState, makeTask } from './fixtures.js';

const T0 = new Date('2026-06-01T00:00:00Z');

interface Shape {
  parentOf: number[]; // index of parent among earlier tasks, -1 = the root
  needs: number[][]; // indices of earlier siblings or unrelated earlier tasks
  noWorker: boolean[];
  /** The worker a task names (undefined: AURA_LAYER2_BACKEND); 'run' = a shell `run:` task. */
  worker: (string | undefined)[];
}

const shape = fc.integer({ min: 1, max: 14 }).chain((n) =>
  fc.record({
    parentOf: fc.tuple(...Array.from({ length: n }, (_, i) => fc.integer({ min: -1, max: i - 1 }))),
    needs: fc.tuple(...Array.from({ length: n }, (_, i) => fc.array(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 2 }))),
    noWorker: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    worker: fc.array(fc.constantFrom('run', 'run', undefined, 'claude', 'codex', 'custom'), { minLength: n, maxLength: n }),
  }),
);

function build(s: Shape): RunState {
  const n = s.parentOf.length;
  const id = (i: number) => `t${i}`;
  const tasks = [makeTask(GOAL_ID, { title: 'goal' })];
  for (let i = 0; i < n; i++) {
    const parent = s.parentOf[i]! < 0 ? GOAL_ID : id(s.parentOf[i]!);
    // needs only among tasks that are not ancestors (a cycle through the hierarchy is refused by the parser).
    const ancestors = new Set<number>();
    for (let p = s.parentOf[i]!; p >= 0; p = s.parentOf[p]!) ancestors.add(p);
    const needs = [...new Set(s.needs[i]!.filter((x) => x < i && !ancestors.has(x)))].map(id);
    const w = s.worker[i];
    tasks.push(makeTask(id(i), { parent, needs, run: w === 'run' ? 'true' : undefined, worker: s.noWorker[i] ? 'nope' : w === 'run' ? undefined : w }));
  }
  return makeState(tasks, { roots: [GOAL_ID] });
}

type Change = { kind: 'status'; pick: number; to: TaskStatus; backoff: boolean } | { kind: 'start'; count: number } | { kind: 'time'; seconds: number };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant('status' as const),
    pick: fc.nat(),
    to: fc.constantFrom<TaskStatus>('pending', 'done', 'failed', 'blocked', 'running', 'archived'),
    backoff: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('start' as const), count: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('time' as const), seconds: fc.integer({ min: 0, max: 120 }) }),
);

describe('PlanIndex', () => {
  it('plans exactly what planRules plans, through random changes', () => {
    fc.assert(
      fc.property(shape, fc.array(change, { maxLength: 25 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), (s, changes, maxConcurrent, leaveUnrunnable) => {
        let state = build(s);
        let now = T0;
        const index = new PlanIndex();
        index.rebuild(state);
        const set = (t: TaskState) => {
          const before = state.tasks[t.id];
          state = { ...state, tasks: { ...state.tasks, [t.id]: t } };
          index.update(state, before, t);
        };
        const ctx = (): PlanContext => ({ now, maxConcurrent, workerProblem: (t) => (t.worker === 'nope' ? 'no worker' : null), leaveUnrunnable });
        const round = (label: string) => {
          const want = planRules(state, ctx());
          const got = index.plan(state, ctx());
          assert.deepEqual(got, want, `${label}: the index planned differently`);
          for (const def of ['claude', 'gemini']) assert.deepEqual(index.agentsInUse(def), agentBackendsInUse(Object.values(state.tasks), def), `${label}: spenders (default ${def})`);
          assert.equal(index.waitingLeaves, Object.values(state.tasks).filter(waitingLeaf).length, `${label}: leaves waiting to start`);
          assert.equal(index.goalDone(), Object.values(state.tasks).every((t) => t.status === 'done' || t.status === 'archived') && Object.values(state.tasks).some((t) => t.status !== 'archived'));
          // Apply the bookkeeping as the daemon does.
          for (const a of got.actions) {
            const t = state.tasks[a.task]!;
            if (a.type === 'block') set(transition(t, 'blocked', a.reason, now, { blockedBy: a.cause }).task);
            else if (a.type === 'unblock') set(transition(t, 'pending', a.reason, now).task);
            else if (a.type === 'check_group') set(transition(t, 'done', a.reason, now).task);
          }
          return got;
        };
        let last = round('start');
        for (const [i, c] of changes.entries()) {
          const ids = Object.keys(state.tasks).filter((k) => k !== GOAL_ID);
          if (c.kind === 'status') {
            const t = state.tasks[ids[c.pick % ids.length]!]!;
            if (c.to === 'archived' && t.status !== 'archived') {
              // As the daemon archives: the whole subtree, and out of its parent's children.
              const stack = [t.id];
              while (stack.length) {
                const x = state.tasks[stack.pop()!]!;
                stack.push(...x.children);
                if (x.status !== 'archived') set({ ...x, status: 'archived' });
              }
              const parent = state.tasks[t.parent!]!;
              set({ ...parent, children: parent.children.filter((k) => k !== t.id) });
            } else if (t.status !== c.to && t.status !== 'archived' && c.to !== 'archived') {
              const notBefore = c.to === 'pending' && c.backoff ? new Date(now.getTime() + 30_000).toISOString() : null;
              set({ ...t, status: c.to, notBefore, blockedBy: c.to === 'blocked' ? 'deps' : null });
            }
          } else if (c.kind === 'start') {
            for (const a of last.actions.filter((x) => x.type === 'spawn').slice(0, c.count)) {
              const t = state.tasks[a.task]!;
              if (t.status !== 'pending') continue;
              // An attempt with the worker it runs, as the daemon records it (spend counts it from then on).
              const attempt = { n: t.attempts.length + 1, worker: backendOf(t, 'opencode'), startedAt: now.toISOString(), endedAt: null } as TaskState['attempts'][number];
              set(transition({ ...t, attempts: [...t.attempts, attempt] }, 'running', 'started', now).task);
            }
          } else now = new Date(now.getTime() + c.seconds * 1000);
          last = round(`after change ${i} (${c.kind})`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('starts in file order after a task left its parent (places renumbered; found by the property above)', () => {
    // goal: t0 (a group, t9 needs it), t7, t9. With t0 archived, t7 comes before t9.
    const tasks = [makeTask(GOAL_ID, { title: 'goal' }), makeTask('t0', { parent: GOAL_ID, run: 'true' }), makeTask('t1', { parent: 't0', run: 'true' })];
    tasks.push(makeTask('t7', { parent: GOAL_ID, run: 'true' }), makeTask('t9', { parent: GOAL_ID, needs: ['t0'], run: 'true' }));
    let state = makeState(tasks, { roots: [GOAL_ID] });
    const index = new PlanIndex();
    index.rebuild(state);
    const ctx: PlanContext = { now: new Date('2026-01-01T00:00:00Z'), maxConcurrent: 1, workerProblem: () => null, leaveUnrunnable: false };
    index.plan(state, ctx);
    const set = (t: TaskState) => {
      const before = state.tasks[t.id];
      state = { ...state, tasks: { ...state.tasks, [t.id]: t } };
      index.update(state, before, t);
    };
    for (const id of ['t0', 't1']) set({ ...state.tasks[id]!, status: 'archived' });
    const goal = state.tasks[GOAL_ID]!;
    set({ ...goal, children: goal.children.filter((c) => c !== 't0') });
    assert.deepEqual(index.plan(state, ctx), planRules(state, ctx));
    assert.deepEqual(index.plan(state, ctx).actions.map((a) => a.task), ['t7']);
  });

  it('keeps the usage of finished attempts as tasks change', () => {
    const state = makeState([makeTask(GOAL_ID), makeTask('a', { parent: GOAL_ID })], { roots: [GOAL_ID] });
    const index = new PlanIndex();
    index.rebuild(state);
    const a = state.tasks['a']!;
    const ended = { n: 1, endedAt: T0.toISOString(), usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.5 } } as TaskState['attempts'][number];
    const after = { ...a, attempts: [ended] };
    index.update({ ...state, tasks: { ...state.tasks, a: after } }, a, after);
    assert.equal(index.endedUsage().inputTokens, 10);
    assert.equal(index.endedUsage().costUsd, 0.5);
    const again = { ...after, attempts: [ended, { ...ended, n: 2, usage: { ...ended.usage!, inputTokens: 1 } }] };
    index.update({ ...state, tasks: { ...state.tasks, a: again } }, after, again);
    assert.equal(index.endedUsage().inputTokens, 11);
  });
});

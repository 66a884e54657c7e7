// Issue 13: the live daemon answers `aura status` from facts kept one change at a time (StatusIndex)
// instead of walking 20,000 tasks per request. They must be exactly what the full scan (factsOf)
// finds, whenever they are asked for: for random trees (groups, removed subtrees, live tasks under
// removed parents, orphans, a goal root or none) and random changes applied the way the run book
// applies them (a new task object, then touch), the index's facts, listings and rendered text equal
// the scan's after every step, and with facts asked for at random points in between.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GOAL_ID } from '../../src/core/tree.js';
import type { ListItem } from '../../src/progress/compact.js';
import { factsOf, type Listed, type TaskListing, type ViewFacts } from '../../src/progress/facts.js';
import { loadProgressTemplate } from '../../src/progress/load-template.js';
import { renderMarkdown } from '../../src/progress/markdown.js';
import { StatusIndex } from '../../src/progress/status-index.js';
import { statusText } from '../../src/progress/status-text.js';
import type { TaskNode } from '../../src/progress/tree.js';
import { viewOf } from '../../src/progress/view.js';
import type { Attempt, RunState, TaskState, TaskStatus } from '../../src/store/schema.js';
import { attempt, DAEMON, fixtureState, journal, NOW, task } from './fixture.js';

const STATUSES: TaskStatus[] = ['pending', 'running', 'verifying', 'done', 'failed', 'blocked', 'archived'];
// Index 0: no usage reported; the last two: usage without a cost, or a cost of 0 (a shell worker's).
const COSTS = [null, 0.1, 0.2, 0.3, 0.7, 1e-9, 0.015, null, 0];

interface Shape {
  goal: boolean;
  parents: number[]; // -1: top level (every 7th: an orphan whose parent is gone); else an earlier task
  statuses: TaskStatus[];
}

const shape: fc.Arbitrary<Shape> = fc.integer({ min: 0, max: 16 }).chain((n) =>
  fc.record({
    goal: fc.boolean(),
    parents: fc.tuple(...Array.from({ length: n }, (_, i) => fc.integer({ min: -1, max: Math.max(-1, i - 1) }))),
    statuses: fc.array(fc.constantFrom(...STATUSES), { minLength: n, maxLength: n }),
  }),
);

const id = (i: number): string => (i % 5 === 4 ? String(i) : `t${i}`); // some integer-like keys: they sort first

function build(s: Shape): RunState {
  const state = fixtureState();
  state.tasks = {};
  state.roots = [];
  const top = s.goal ? GOAL_ID : null;
  if (top) {
    state.tasks[GOAL_ID] = task({ id: GOAL_ID, title: 'the goal' });
    state.roots.push(GOAL_ID);
  }
  s.parents.forEach((p, i) => {
    if (p < 0 && i % 7 === 6) {
      // Imperfect state: no root reaches it (the listing appends it rather than hide it).
      state.tasks[id(i)] = task({ id: id(i), parent: 'gone', status: s.statuses[i]! });
      return;
    }
    const parent = p < 0 ? top : id(p);
    state.tasks[id(i)] = task({ id: id(i), parent, status: s.statuses[i]! });
    if (parent) state.tasks[parent] = { ...state.tasks[parent]!, children: [...state.tasks[parent]!.children, id(i)] };
    else state.roots.push(id(i));
  });
  return state;
}

type Change =
  | { kind: 'status'; pick: number; to: TaskStatus }
  | { kind: 'start'; pick: number }
  | { kind: 'end'; pick: number; cost: number; passed: boolean | null; git: 'none' | 'branch' | 'conflict' | 'merged' }
  | { kind: 'retry'; pick: number; inMinutes: number | null }
  | { kind: 'tick'; pick: number }
  | { kind: 'add'; pick: number; status: TaskStatus }
  | { kind: 'finish' }
  | { kind: 'adopt' }
  | { kind: 'run'; pause: boolean; plannerCost: number; done: boolean }
  | { kind: 'look' };

const change: fc.Arbitrary<Change> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('status' as const), pick: fc.nat(), to: fc.constantFrom(...STATUSES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('start' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('end' as const),
      pick: fc.nat(),
      cost: fc.nat({ max: COSTS.length - 1 }),
      passed: fc.constantFrom(true, false, null),
      git: fc.constantFrom('none' as const, 'branch' as const, 'conflict' as const, 'merged' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retry' as const), pick: fc.nat(), inMinutes: fc.option(fc.integer({ min: -5, max: 30 })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add' as const), pick: fc.nat(), status: fc.constantFrom(...STATUSES) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'adopt' as const }) },
  // Everything done: the overall line then counts verified tasks against those ticked by hand.
  { weight: 1, arbitrary: fc.constant({ kind: 'finish' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('run' as const), pause: fc.boolean(), plannerCost: fc.nat({ max: COSTS.length - 1 }), done: fc.boolean() }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'look' as const }) },
);

function lastEnded(t: TaskState, patch: Partial<Attempt>): TaskState {
  const n = t.attempts.length;
  const last = t.attempts[n - 1];
  const a = last && last.endedAt === null ? { ...last, endedAt: NOW.toISOString(), outcome: 'exited' as const, exitCode: 0, ...patch } : attempt({ n: n + 1, ...patch });
  return { ...t, attempts: last && last.endedAt === null ? [...t.attempts.slice(0, -1), a] : [...t.attempts, a] };
}

/** One change as the run book makes it: a new task object in place of the old one. */
function apply(state: RunState, c: Change, set: (t: TaskState) => void): void {
  const ids = Object.keys(state.tasks);
  const pick = (n: number): TaskState | undefined => (ids.length ? state.tasks[ids[n % ids.length]!] : undefined);
  const usage = (k: number) => ({ inputTokens: 10 * k, outputTokens: k, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: COSTS[k]! });
  switch (c.kind) {
    case 'status': {
      const t = pick(c.pick);
      if (t) set({ ...t, status: c.to, reason: `now ${c.to}` });
      return;
    }
    case 'start': {
      const t = pick(c.pick);
      if (!t) return;
      const n = t.attempts.length + 1;
      set({ ...t, status: 'running', attempts: [...t.attempts, attempt({ n, endedAt: null, outcome: null, exitCode: null, process: { pid: 100 + n, startTicks: 1, pgid: 100 + n } })] });
      return;
    }
    case 'end': {
      const t = pick(c.pick);
      if (!t) return;
      const evidence = c.passed === null ? null : { checkedAt: NOW.toISOString(), passed: c.passed, summary: c.passed ? 'ok' : 'verify exited 1', workerClean: true, artifacts: [], verify: null };
      const worktree = c.git === 'none' ? null : { path: `/wt/${t.id}`, workDir: `/wt/${t.id}`, branch: `aura/${t.id}`, target: 'main', base: 'abc', linked: [] };
      const merge = c.git === 'none' ? null : { result: c.git, how: null, tip: null, stat: c.git === 'branch' ? '1 file changed' : null, files: c.git === 'conflict' ? ['a.txt'] : [], message: 'm', at: NOW.toISOString() };
      const to: TaskStatus = c.git === 'conflict' ? 'blocked' : c.passed === false ? 'failed' : 'done';
      set({ ...lastEnded(t, { usage: c.cost ? usage(c.cost) : null, evidence, worktree, merge }), status: to });
      return;
    }
    case 'retry': {
      const t = pick(c.pick);
      if (t) set({ ...t, status: 'pending', notBefore: c.inMinutes === null ? null : new Date(NOW.getTime() + c.inMinutes * 60_000).toISOString() });
      return;
    }
    case 'tick': {
      const t = pick(c.pick);
      if (t) set({ ...t, userChecked: !t.userChecked });
      return;
    }
    case 'add': {
      const parent = pick(c.pick);
      const nid = ids.length % 3 === 0 ? String(1000 + ids.length) : `n${ids.length}`;
      set(task({ id: nid, parent: parent?.id ?? null, status: c.status }));
      if (parent) set({ ...state.tasks[parent.id]!, children: [...state.tasks[parent.id]!.children, nid] });
      else state.roots = [...state.roots, nid];
      return;
    }
    case 'run':
      state.pause = c.pause ? { kind: 'user', reason: 'paused by aura pause', since: NOW.toISOString() } : null;
      state.doneAt = c.done ? NOW.toISOString() : null;
      state.cycle += 1;
      state.planner = c.plannerCost
        ? { mode: 'model', failures: 0, reason: null, since: null, nextProbeAt: null, calls: 1, modelCycles: 1, usage: usage(c.plannerCost), hintAt: null, declines: 0, declinedUntil: null, pendingReview: null, lastReviewCycle: 0 }
        : null;
      return;
    case 'finish':
      for (const t of Object.values(state.tasks)) if (t.status !== 'archived' && t.status !== 'done') set({ ...t, status: 'done' });
      return;
    case 'adopt':
    case 'look':
      return;
  }
}

const itemShape = (i: ListItem<Listed>): string =>
  i.kind === 'task' ? `${i.task.task.id}:${i.task.status}@${i.depth}` : i.kind === 'done' ? `done ${i.tasks} ${i.first.task.id}..${i.last.task.id}@${i.depth}` : `more ${i.tasks}@${i.depth}`;

const treeShape = (ns: readonly TaskNode[]): unknown[] => ns.map((n) => [n.task, n.status, treeShape(n.children)]);

function listingShape(l: TaskListing): unknown {
  return {
    roots: l.roots,
    count: l.count,
    ids: [0, 1, 2, 20].map((k) => l.rootIds(k)),
    lists: [1, 2, 3, 5, 100].map((k) => l.list(k).map(itemShape)),
    all: treeShape(l.all()),
  };
}

function plain(f: ViewFacts): unknown {
  const { tasks, removed, ...rest } = f;
  return { ...rest, tasks: listingShape(tasks), removed: listingShape(removed) };
}

function same(index: StatusIndex, state: RunState, label: string): void {
  const tail = journal();
  const want = factsOf(state, tail);
  const got = index.facts(state, tail);
  assert.deepEqual(plain(got), plain(want), label);
  assert.equal(statusText(got, DAEMON, NOW), statusText(want, DAEMON, NOW), `${label}: status text`);
  assert.equal(renderMarkdown(viewOf(got, DAEMON, NOW), loadProgressTemplate()), renderMarkdown(viewOf(want, DAEMON, NOW), loadProgressTemplate()), `${label}: progress.md`);
}

describe('StatusIndex', () => {
  it('has the facts the full scan has, through random changes', () => {
    fc.assert(
      fc.property(shape, fc.array(change, { maxLength: 30 }), (s, changes) => {
        const state = build(s);
        const index = new StatusIndex();
        const set = (t: TaskState): void => {
          state.tasks[t.id] = t;
          index.touch(t.id);
        };
        same(index, state, 'at start');
        changes.forEach((c, step) => {
          if (c.kind === 'adopt') index.reset();
          apply(state, c, set);
          if (c.kind === 'look') same(index, state, `after step ${step}`);
        });
        same(index, state, 'at the end');
      }),
      { numRuns: 400 },
    );
  });

  it('answers for the fixture, a whole new state, and a state changed behind its back by adopt', () => {
    const index = new StatusIndex();
    const a = fixtureState();
    same(index, a, 'the fixture');
    // Another state object (task.md applied, recovery): rebuilt, even without reset.
    const b = fixtureState();
    b.tasks.publish = { ...b.tasks.publish!, status: 'done' };
    same(index, b, 'a new state object');
    // The roots replaced (an edit of task.md re-ordering the top level).
    b.roots = [...b.roots].reverse();
    same(index, b, 'new roots');
  });

  it('shows a group running as the scan does: not through a removed task, not past 64 levels, once for two paths', () => {
    // goal → g0 → g1 → … → g69 (pending groups) → leaf; g3 also has `x` (removed) → under; `shared` is
    // named by g0 and g1 both (imperfect state).
    const state = fixtureState();
    state.tasks = { [GOAL_ID]: task({ id: GOAL_ID, children: ['g0'] }) };
    state.roots = [GOAL_ID];
    for (let i = 0; i < 70; i++) state.tasks[`g${i}`] = task({ id: `g${i}`, parent: i ? `g${i - 1}` : GOAL_ID, children: [i < 69 ? `g${i + 1}` : 'leaf'] });
    state.tasks.leaf = task({ id: 'leaf', parent: 'g69' });
    state.tasks.x = task({ id: 'x', parent: 'g3', status: 'archived', children: ['under'] });
    state.tasks.under = task({ id: 'under', parent: 'x' });
    state.tasks.g3 = { ...state.tasks.g3!, children: [...state.tasks.g3!.children, 'x'] };
    state.tasks.shared = task({ id: 'shared', parent: 'g1' });
    state.tasks.g0 = { ...state.tasks.g0!, children: [...state.tasks.g0!.children, 'shared'] };
    state.tasks.g1 = { ...state.tasks.g1!, children: [...state.tasks.g1!.children, 'shared'] };
    const index = new StatusIndex();
    same(index, state, 'at start');
    const built = index.rebuilds;
    const steps: [string, TaskStatus][] = [['under', 'running'], ['leaf', 'running'], ['shared', 'verifying'], ['leaf', 'done'], ['under', 'failed'], ['shared', 'running'], ['shared', 'done']];
    for (const [tid, to] of steps) {
      state.tasks[tid] = { ...state.tasks[tid]!, status: to };
      index.touch(tid);
      same(index, state, `${tid} ${to}`);
    }
    assert.equal(index.rebuilds, built, 'workers starting and ending are applied, not rebuilt');
    // Built from scratch with workers already running: their groups show running from the start.
    state.tasks.under = { ...state.tasks.under!, status: 'running' };
    state.tasks.leaf = { ...state.tasks.leaf!, status: 'running' };
    same(new StatusIndex(), state, 'built with workers running');
  });

  it('costs what changed: a status change in a large flat run does not rebuild the tree', () => {
    const state = build({ goal: true, parents: Array.from({ length: 3000 }, () => -1), statuses: Array.from({ length: 3000 }, () => 'pending' as TaskStatus) });
    const index = new StatusIndex();
    index.facts(state, []);
    const built = index.rebuilds;
    for (let i = 0; i < 50; i++) {
      const t = state.tasks[id(i)]!;
      state.tasks[t.id] = { ...t, status: i % 2 ? 'done' : 'running' };
      index.touch(t.id);
      same(index, state, `change ${i}`);
    }
    assert.equal(index.rebuilds, built, 'status changes are applied, not rebuilt');
    // A new task changes the tree's shape: rebuilt once.
    state.tasks.extra = task({ id: 'extra', parent: GOAL_ID });
    state.tasks[GOAL_ID] = { ...state.tasks[GOAL_ID]!, children: [...state.tasks[GOAL_ID]!.children, 'extra'] };
    index.touch('extra');
    index.touch(GOAL_ID);
    same(index, state, 'a new task');
    assert.equal(index.rebuilds, built + 1);
  });
});

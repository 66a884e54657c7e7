import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type DepsVerdict,
  SHUTDOWN_REASON,
  GOAL_ID,
  ancestors,
  countedTasks,
  descendants,
  effectiveStatus,
  goalDone,
  topLevelIds,
  unreachableTasks,
  countedAttempts,
  currentAttempt,
  depsVerdict,
  isLeaf,
  liveTasks,
  runningTasks,
  task,
} from '../../src/core/tree.js';
import type { RunState, TaskStatus } from '../../src/store/schema.js';
import { exited, makeAttempt, makeState, makeTask } from './fixtures.js';

/** a (needs nothing), b needs a, c needs a and b; G is a group needing b with children g1, g2 (g2 needs g1). */
function world(status: Partial<Record<string, TaskStatus>> = {}): RunState {
  const s = (id: string): TaskStatus => status[id] ?? 'pending';
  return makeState([
    makeTask('a', { status: s('a') }),
    makeTask('b', { status: s('b'), needs: ['a'] }),
    makeTask('c', { status: s('c'), needs: ['a', 'b'] }),
    makeTask('G', { status: s('G'), needs: ['b'] }),
    makeTask('g1', { status: s('g1'), parent: 'G' }),
    makeTask('g2', { status: s('g2'), parent: 'G', needs: ['g1'] }),
  ]);
}

describe('task / isLeaf / ancestors / currentAttempt', () => {
  it('task() finds a task and throws on an unknown id', () => {
    const st = world();
    assert.equal(task(st, 'b').id, 'b');
    assert.throws(() => task(st, 'nope'), /unknown task id nope/);
  });

  it('isLeaf: no children', () => {
    const st = world();
    assert.equal(isLeaf(task(st, 'a')), true);
    assert.equal(isLeaf(task(st, 'G')), false);
  });

  it('ancestors: nearest first, up to the root', () => {
    const st = makeState([makeTask('r'), makeTask('m', { parent: 'r' }), makeTask('l', { parent: 'm' })]);
    assert.deepEqual(ancestors(st, task(st, 'l')).map((t) => t.id), ['m', 'r']);
    assert.deepEqual(ancestors(st, task(st, 'r')), []);
  });

  it('currentAttempt: the last attempt, or undefined', () => {
    assert.equal(currentAttempt(makeTask('a')), undefined);
    assert.equal(currentAttempt(makeTask('a', { attempts: [exited(1), exited(2)] }))!.n, 2);
  });
});

describe('depsVerdict', () => {
  const rows: Array<{ name: string; status: Partial<Record<string, TaskStatus>>; id: string; want: DepsVerdict }> = [
    { name: 'no needs → ready', status: {}, id: 'a', want: { kind: 'ready' } },
    { name: 'dep pending → waiting', status: {}, id: 'b', want: { kind: 'waiting', on: ['a'] } },
    { name: 'dep running → waiting', status: { a: 'running' }, id: 'b', want: { kind: 'waiting', on: ['a'] } },
    { name: 'dep verifying → waiting', status: { a: 'verifying' }, id: 'b', want: { kind: 'waiting', on: ['a'] } },
    { name: 'dep done → ready', status: { a: 'done' }, id: 'b', want: { kind: 'ready' } },
    { name: 'waiting lists every unfinished dep', status: {}, id: 'c', want: { kind: 'waiting', on: ['a', 'b'] } },
    { name: 'one of two deps done', status: { a: 'done' }, id: 'c', want: { kind: 'waiting', on: ['b'] } },
    { name: 'dep failed → broken', status: { a: 'failed' }, id: 'b', want: { kind: 'broken', on: 'a', status: 'failed' } },
    { name: 'dep blocked → broken', status: { a: 'blocked' }, id: 'b', want: { kind: 'broken', on: 'a', status: 'blocked' } },
    {
      name: 'broken wins over waiting',
      status: { a: 'running', b: 'failed' },
      id: 'c',
      want: { kind: 'broken', on: 'b', status: 'failed' },
    },
    { name: 'archived dep counts as satisfied', status: { a: 'archived' }, id: 'b', want: { kind: 'ready' } },
    { name: 'archived and done deps', status: { a: 'archived', b: 'done' }, id: 'c', want: { kind: 'ready' } },
    { name: "ancestor's needs gate a child (waiting)", status: {}, id: 'g1', want: { kind: 'waiting', on: ['b'] } },
    { name: "ancestor's needs done → child ready", status: { b: 'done' }, id: 'g1', want: { kind: 'ready' } },
    {
      name: "ancestor's dep failed → child broken",
      status: { b: 'failed' },
      id: 'g1',
      want: { kind: 'broken', on: 'b', status: 'failed' },
    },
    { name: "own needs and ancestor's needs both listed", status: {}, id: 'g2', want: { kind: 'waiting', on: ['g1', 'b'] } },
    { name: "own need done, ancestor's pending", status: { g1: 'done' }, id: 'g2', want: { kind: 'waiting', on: ['b'] } },
    {
      name: "own need failed, ancestor's merely pending",
      status: { g1: 'failed' },
      id: 'g2',
      want: { kind: 'broken', on: 'g1', status: 'failed' },
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const st = world(r.status);
      assert.deepEqual(depsVerdict(st, task(st, r.id)), r.want);
    });
  }

  it('a dependency that is not in the state at all does not hold anything up', () => {
    const st = makeState([makeTask('x', { needs: ['ghost'] })]);
    assert.deepEqual(depsVerdict(st, task(st, 'x')), { kind: 'ready' });
  });

  it('a grandparent’s needs gate a grandchild', () => {
    const st = makeState([
      makeTask('dep', { status: 'blocked' }),
      makeTask('r', { needs: ['dep'] }),
      makeTask('m', { parent: 'r' }),
      makeTask('l', { parent: 'm' }),
    ]);
    assert.deepEqual(depsVerdict(st, task(st, 'l')), { kind: 'broken', on: 'dep', status: 'blocked' });
  });
});

describe('countedAttempts', () => {
  const stopped = (n: number) => makeAttempt(n, { outcome: 'killed', exitCode: null, signal: 'SIGTERM', stopReason: SHUTDOWN_REASON });
  const rows: Array<[string, Parameters<typeof makeTask>[1], number]> = [
    ['none', {}, 0],
    ['two failures', { attempts: [exited(1), exited(2)] }, 2],
    ['a lost attempt does not count', { attempts: [exited(1), makeAttempt(2, { outcome: 'lost', exitCode: null })] }, 1],
    ['an attempt stopped because aura stopped does not count', { attempts: [exited(1), stopped(2)] }, 1],
    [
      'an attempt killed for another reason counts',
      { attempts: [makeAttempt(1, { outcome: 'killed', exitCode: null, stopReason: 'kill command' })] },
      1,
    ],
    ['a timeout counts', { attempts: [makeAttempt(1, { outcome: 'timeout', exitCode: null, stopReason: 'timeout' })] }, 1],
    ['attemptBase skips earlier attempts', { attempts: [exited(1), exited(2), exited(3)], attemptBase: 2 }, 1],
    ['attemptBase at the end', { attempts: [exited(1), exited(2)], attemptBase: 2 }, 0],
    ['attemptBase plus lost', { attempts: [exited(1), exited(2), makeAttempt(3, { outcome: 'lost' })], attemptBase: 1 }, 1],
  ];
  for (const [name, patch, n] of rows) {
    it(`${name} → ${n}`, () => assert.equal(countedAttempts(makeTask('t', patch)), n));
  }
});

describe('liveTasks', () => {
  it('depth first in file order, following roots and children order', () => {
    const st = makeState([
      makeTask('A'),
      makeTask('A1', { parent: 'A' }),
      makeTask('A1x', { parent: 'A1' }),
      makeTask('A2', { parent: 'A' }),
      makeTask('B'),
      makeTask('C'),
      makeTask('C1', { parent: 'C' }),
    ]);
    assert.deepEqual(liveTasks(st).map((t) => t.id), ['A', 'A1', 'A1x', 'A2', 'B', 'C', 'C1']);
  });

  it('follows state.roots and children, not the insertion order of state.tasks', () => {
    const st = makeState([makeTask('x'), makeTask('y'), makeTask('p'), makeTask('k2', { parent: 'p' }), makeTask('k1', { parent: 'p' })], {
      roots: ['y', 'p', 'x'],
    });
    st.tasks['p']!.children = ['k1', 'k2'];
    assert.deepEqual(liveTasks(st).map((t) => t.id), ['y', 'p', 'k1', 'k2', 'x']);
  });

  it('leaves out archived tasks, and whatever hangs under them', () => {
    const st = makeState([
      makeTask('A', { status: 'archived' }),
      makeTask('A1', { parent: 'A', status: 'pending' }),
      makeTask('B', { status: 'done' }),
      makeTask('B1', { parent: 'B', status: 'archived' }),
      makeTask('B2', { parent: 'B', status: 'failed' }),
    ]);
    assert.deepEqual(liveTasks(st).map((t) => t.id), ['B', 'B2']);
  });

  it('skips ids in roots or children that are not in the state', () => {
    const st = makeState([makeTask('A', { children: ['ghost'] })], { roots: ['A', 'missing'] });
    assert.deepEqual(liveTasks(st).map((t) => t.id), ['A']);
  });

  it('tasks archived and detached (not in roots) are not live', () => {
    const st = makeState([makeTask('A')]);
    st.tasks['old'] = makeTask('old', { status: 'archived' });
    assert.deepEqual(liveTasks(st).map((t) => t.id), ['A']);
  });
});

describe('runningTasks', () => {
  it('running and verifying count, nothing else', () => {
    const statuses: TaskStatus[] = ['pending', 'running', 'verifying', 'done', 'failed', 'blocked', 'archived'];
    const st = makeState(statuses.map((s) => makeTask(s, { status: s })));
    assert.deepEqual(runningTasks(st).map((t) => t.id).sort(), ['running', 'verifying']);
  });
});

describe('goalDone', () => {
  const rows: Array<[string, Array<[string, TaskStatus]>, boolean]> = [
    ['no tasks at all', [], false],
    ['one pending', [['a', 'pending']], false],
    ['one done', [['a', 'done']], true],
    ['done and archived', [['a', 'done'], ['b', 'archived']], true],
    ['only archived', [['a', 'archived']], false],
    ['done and failed', [['a', 'done'], ['b', 'failed']], false],
    ['done and running', [['a', 'done'], ['b', 'running']], false],
    ['done and verifying', [['a', 'done'], ['b', 'verifying']], false],
    ['done and blocked', [['a', 'done'], ['b', 'blocked']], false],
  ];
  for (const [name, ts, want] of rows) {
    it(`${name} → ${want}`, () => {
      assert.equal(goalDone(makeState(ts.map(([id, status]) => makeTask(id, { status })))), want);
    });
  }

  it('a group counts: children done but the group itself pending → not done', () => {
    const st = makeState([makeTask('G'), makeTask('g1', { parent: 'G', status: 'done' })]);
    assert.equal(goalDone(st), false);
    st.tasks['G']!.status = 'done';
    assert.equal(goalDone(st), true);
  });
});

/** A state shaped as the daemon keeps it: the goal is the root, task.md's items hang under it. */
function rooted(kids: Array<[string, TaskStatus, string?]>, root: TaskStatus = 'pending'): RunState {
  return makeState(
    [makeTask(GOAL_ID, { status: root, title: 'the goal' }), ...kids.map(([id, status, parent]) => makeTask(id, { status, parent: parent ?? GOAL_ID }))],
    { roots: [GOAL_ID] },
  );
}

describe('the goal as the root', () => {
  it('goalDone needs the root done too, and every planner or aura task under it', () => {
    assert.equal(goalDone(rooted([['a', 'done'], ['b', 'done']])), false, 'root still pending: its group check has not run');
    assert.equal(goalDone(rooted([['a', 'done'], ['b', 'done']], 'done')), true);
    const st = rooted([['a', 'done'], ['p1', 'pending', 'a']], 'done');
    st.tasks['p1']!.origin = 'planner';
    assert.equal(goalDone(st), false, 'a planner task under a done item keeps the goal open');
  });

  it('countedTasks leaves out the root while it is a group, and counts it while it is the one task', () => {
    assert.deepEqual(countedTasks(rooted([['a', 'done'], ['b', 'pending']])).map((t) => t.id), ['a', 'b']);
    assert.deepEqual(countedTasks(rooted([])).map((t) => t.id), [GOAL_ID]);
    assert.deepEqual(countedTasks(rooted([['a', 'archived']])).map((t) => t.id), [GOAL_ID], 'only archived children: the root is a leaf again');
  });

  it('topLevelIds: the root\'s children, or the root alone', () => {
    assert.deepEqual(topLevelIds(rooted([['a', 'done'], ['b', 'pending']])), ['a', 'b']);
    assert.deepEqual(topLevelIds(rooted([])), [GOAL_ID]);
  });

  const eff: Array<[string, Array<[string, TaskStatus, string?]>, TaskStatus]> = [
    ['a pending group whose child runs is running', [['G', 'pending'], ['g1', 'running', 'G']], 'running'],
    ['… or whose grandchild is verifying', [['G', 'pending'], ['g1', 'pending', 'G'], ['g11', 'verifying', 'g1']], 'running'],
    ['a pending group with nothing running stays pending', [['G', 'pending'], ['g1', 'done', 'G'], ['g2', 'pending', 'G']], 'pending'],
    ['a blocked group stays blocked', [['G', 'blocked'], ['g1', 'running', 'G']], 'blocked'],
    ['an archived running child does not count', [['G', 'pending'], ['g1', 'archived', 'G']], 'pending'],
  ];
  for (const [name, kids, want] of eff) {
    it(`effectiveStatus: ${name}`, () => {
      const st = rooted(kids);
      assert.equal(effectiveStatus(st, st.tasks['G']!), want);
    });
  }
  it('effectiveStatus: a leaf is its own status', () => {
    const st = rooted([['a', 'verifying']]);
    assert.equal(effectiveStatus(st, st.tasks['a']!), 'verifying');
  });

  it('unreachableTasks names live tasks no path from the root reaches', () => {
    const st = rooted([['a', 'pending']]);
    assert.deepEqual(unreachableTasks(st), []);
    st.tasks['lost'] = makeTask('lost', { parent: 'gone' });
    st.tasks['old'] = makeTask('old', { parent: 'gone', status: 'archived' });
    assert.deepEqual(unreachableTasks(st), ['lost']);
  });

  it('descendants: every task under one, archived included, depth first', () => {
    const st = rooted([['a', 'pending'], ['a1', 'pending', 'a'], ['a11', 'archived', 'a1'], ['b', 'pending']]);
    assert.deepEqual(descendants(st, 'a').map((t) => t.id), ['a1', 'a11']);
    assert.deepEqual(descendants(st, 'b'), []);
  });
});

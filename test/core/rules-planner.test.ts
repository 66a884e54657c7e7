import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Action, type PlanContext, planRules } from '../../src/core/rules-planner.js';
import type { RunState, TaskState, TaskStatus } from '../../src/store/schema.js';
import { T0, at, exited, makeState, makeTask } from './fixtures.js';

/** Every task has a run: command unless a test says otherwise, so the default worker check passes. */
const leaf = (id: string, patch: Partial<TaskState> = {}) => makeTask(id, { run: `echo ${id}`, ...patch });

function ctx(patch: Partial<PlanContext> = {}): PlanContext {
  return {
    now: T0,
    maxConcurrent: 4,
    workerProblem: (t) => (t.run ? null : 'no agent worker: install claude or set worker: shell'),
    ...patch,
  };
}

const summary = (actions: Action[]) => actions.map((a) => `${a.type} ${a.task}`);

describe('planRules: starting work', () => {
  it('starts ready leaves in file order', () => {
    const st = makeState([leaf('a'), leaf('b'), leaf('c')]);
    const plan = planRules(st, ctx());
    assert.deepEqual(summary(plan.actions), ['spawn a', 'spawn b', 'spawn c']);
    assert.equal(plan.actions[0]!.reason, 'dependencies done; starting');
    assert.equal(plan.nextDueAt, null);
  });

  const limitRows: Array<{ name: string; statuses: TaskStatus[]; max: number; spawned: string[] }> = [
    { name: 'limit 2, nothing running → first two', statuses: ['pending', 'pending', 'pending'], max: 2, spawned: ['spawn t0', 'spawn t1'] },
    { name: 'limit 1 → only the first', statuses: ['pending', 'pending'], max: 1, spawned: ['spawn t0'] },
    {
      name: 'limit 2 with one running → one more',
      statuses: ['running', 'pending', 'pending'],
      max: 2,
      spawned: ['spawn t1'],
    },
    {
      name: 'verifying counts as running',
      statuses: ['verifying', 'pending', 'pending'],
      max: 2,
      spawned: ['spawn t1'],
    },
    { name: 'running + verifying fill the limit', statuses: ['running', 'verifying', 'pending'], max: 2, spawned: [] },
    { name: 'more running than the limit (limit lowered)', statuses: ['running', 'running', 'running', 'pending'], max: 2, spawned: [] },
    { name: 'limit 0 → nothing starts', statuses: ['pending'], max: 0, spawned: [] },
    {
      name: 'done, failed and archived do not take slots',
      statuses: ['done', 'failed', 'archived', 'pending', 'pending'],
      max: 1,
      spawned: ['spawn t3'],
    },
  ];
  for (const r of limitRows) {
    it(`concurrency: ${r.name}`, () => {
      const st = makeState(r.statuses.map((s, i) => leaf(`t${i}`, { status: s })));
      assert.deepEqual(summary(planRules(st, ctx({ maxConcurrent: r.max })).actions), r.spawned);
    });
  }

  it('waits for dependencies', () => {
    const st = makeState([leaf('a'), leaf('b', { needs: ['a'] }), leaf('c', { needs: ['b'] })]);
    assert.deepEqual(summary(planRules(st, ctx()).actions), ['spawn a']);
  });

  it('starts a dependent once its dependency is done', () => {
    const st = makeState([leaf('a', { status: 'done' }), leaf('b', { needs: ['a'] }), leaf('c', { needs: ['b'] })]);
    assert.deepEqual(summary(planRules(st, ctx()).actions), ['spawn b']);
  });

  it('treats an archived dependency as satisfied', () => {
    const st = makeState([leaf('a', { status: 'archived' }), leaf('b', { needs: ['a'] })]);
    assert.deepEqual(summary(planRules(st, ctx()).actions), ['spawn b']);
  });

  it('a waiting task does not use a slot', () => {
    const st = makeState([leaf('a', { status: 'running' }), leaf('b', { needs: ['a'] }), leaf('c')]);
    assert.deepEqual(summary(planRules(st, ctx({ maxConcurrent: 2 })).actions), ['spawn c']);
  });

  it('says "retry: attempt N" for a task that has been tried before', () => {
    const st = makeState([leaf('a', { attempts: [exited(1), exited(2)], notBefore: at(-1).toISOString() })]);
    const plan = planRules(st, ctx());
    assert.deepEqual(plan.actions, [{ type: 'spawn', task: 'a', reason: 'retry: attempt 3' }]);
  });

  it('children of a group start when the group’s own needs are done', () => {
    const st = makeState([
      leaf('a'),
      makeTask('G', { needs: ['a'] }),
      leaf('g1', { parent: 'G' }),
      leaf('g2', { parent: 'G', needs: ['g1'] }),
    ]);
    assert.deepEqual(summary(planRules(st, ctx()).actions), ['spawn a']);
    const later = withStatus(st, { a: 'done' });
    assert.deepEqual(summary(planRules(later, ctx()).actions), ['spawn g1']);
  });

  it('ignores tasks that are running, verifying, done or failed', () => {
    const st = makeState((['running', 'verifying', 'done', 'failed'] as TaskStatus[]).map((s) => leaf(s, { status: s })));
    assert.deepEqual(planRules(st, ctx()).actions, []);
  });
});

describe('planRules: retry times', () => {
  it('a task whose retry time is in the future is not started; nextDueAt is the earliest such time', () => {
    const st = makeState([
      leaf('a', { notBefore: at(90).toISOString(), attempts: [exited(1)] }),
      leaf('b', { notBefore: at(30).toISOString(), attempts: [exited(1)] }),
      leaf('c', { notBefore: at(60).toISOString(), attempts: [exited(1)] }),
      leaf('d'),
    ]);
    const plan = planRules(st, ctx());
    assert.deepEqual(summary(plan.actions), ['spawn d']);
    assert.deepEqual(plan.nextDueAt, at(30));
  });

  const rows: Array<[string, number, boolean]> = [
    ['due exactly now', 0, true],
    ['due a second ago', -1, true],
    ['due in a millisecond', 0.001, false],
  ];
  for (const [name, s, spawns] of rows) {
    it(`notBefore ${name} → ${spawns ? 'spawn' : 'wait'}`, () => {
      const st = makeState([leaf('a', { notBefore: at(s).toISOString() })]);
      const plan = planRules(st, ctx());
      assert.deepEqual(summary(plan.actions), spawns ? ['spawn a'] : []);
      assert.deepEqual(plan.nextDueAt, spawns ? null : at(s));
    });
  }

  it('a future retry time does not count when the task is waiting on dependencies anyway', () => {
    const st = makeState([leaf('a', { status: 'running' }), leaf('b', { needs: ['a'], notBefore: at(30).toISOString() })]);
    assert.equal(planRules(st, ctx()).nextDueAt, null);
  });

  it('a task waiting for its retry time does not take a slot', () => {
    const st = makeState([leaf('a', { notBefore: at(30).toISOString() }), leaf('b')]);
    assert.deepEqual(summary(planRules(st, ctx({ maxConcurrent: 1 })).actions), ['spawn b']);
  });
});

describe('planRules: blocking and unblocking', () => {
  it('blocks a pending task whose dependency failed, naming it', () => {
    const st = makeState([leaf('a', { status: 'failed' }), leaf('b', { needs: ['a'] })]);
    assert.deepEqual(planRules(st, ctx()).actions, [{ type: 'block', task: 'b', reason: 'needs a, which is failed', cause: 'deps' }]);
  });

  it('blocks a pending task whose dependency is blocked', () => {
    // a has no run: and no worker, so it stays blocked.
    const st = makeState([makeTask('a', { status: 'blocked', reason: 'no worker' }), leaf('b', { needs: ['a'] })]);
    assert.deepEqual(planRules(st, ctx()).actions, [{ type: 'block', task: 'b', reason: 'needs a, which is blocked', cause: 'deps' }]);
  });

  it('blocks the children of a group whose own dependency failed', () => {
    const st = makeState([leaf('a', { status: 'failed' }), makeTask('G', { needs: ['a'] }), leaf('g1', { parent: 'G' })]);
    assert.deepEqual(summary(planRules(st, ctx()).actions), ['block G', 'block g1']);
  });

  it('leaves an already-blocked task blocked while its dependency is still failed', () => {
    const st = makeState([leaf('a', { status: 'failed' }), leaf('b', { status: 'blocked', needs: ['a'], reason: 'needs a, which is failed' })]);
    assert.deepEqual(planRules(st, ctx()).actions, []);
  });

  const unblockRows: Array<[string, TaskStatus]> = [
    ['the dependency is pending again (user edited it)', 'pending'],
    ['the dependency is running', 'running'],
    ['the dependency is done', 'done'],
    ['the dependency was removed (archived)', 'archived'],
  ];
  for (const [name, depStatus] of unblockRows) {
    it(`unblocks when the cause is gone: ${name}`, () => {
      const st = makeState([leaf('a', { status: depStatus }), leaf('b', { status: 'blocked', needs: ['a'], reason: 'needs a, which is failed' })]);
      const forB = planRules(st, ctx()).actions.filter((a) => a.task === 'b');
      assert.deepEqual(forB, [{ type: 'unblock', task: 'b', reason: 'the cause of the block is gone' }]);
    });
  }

  it('an unblock takes no slot and does not spawn in the same plan', () => {
    const st = makeState([leaf('b', { status: 'blocked', reason: 'no worker' }), leaf('c')]);
    assert.deepEqual(summary(planRules(st, ctx({ maxConcurrent: 1 })).actions), ['unblock b', 'spawn c']);
  });

  it('a leaf with no run: and no worker for it is blocked with the workerProblem text', () => {
    const st = makeState([makeTask('write-docs'), leaf('b')]);
    assert.deepEqual(planRules(st, ctx()).actions, [
      { type: 'block', task: 'write-docs', reason: 'no agent worker: install claude or set worker: shell', cause: 'worker' },
      { type: 'spawn', task: 'b', reason: 'dependencies done; starting' },
    ]);
  });

  it('with leaveUnrunnable (the LLM plans) such a leaf is left pending: neither blocked nor started', () => {
    const st = makeState([makeTask('write-docs'), leaf('b')]);
    assert.deepEqual(planRules(st, ctx({ leaveUnrunnable: true })).actions, [{ type: 'spawn', task: 'b', reason: 'dependencies done; starting' }]);
  });

  it('a leaf with no worker is not blocked before its dependencies are done', () => {
    const st = makeState([leaf('a'), makeTask('b', { needs: ['a'] })]);
    assert.deepEqual(summary(planRules(st, ctx()).actions), ['spawn a']);
  });

  it('a task blocked for want of a worker stays blocked while the problem lasts', () => {
    const st = makeState([makeTask('a', { status: 'blocked', reason: 'no agent worker' })]);
    assert.deepEqual(planRules(st, ctx()).actions, []);
  });

  it('and is unblocked once a worker can run it', () => {
    const st = makeState([makeTask('a', { status: 'blocked', reason: 'no agent worker' })]);
    assert.deepEqual(summary(planRules(st, ctx({ workerProblem: () => null })).actions), ['unblock a']);
  });

  it('a task blocked by the watchdog stays blocked until its resource-fix subtask is done', () => {
    const blocked = { status: 'blocked' as const, reason: 'watchdog: RSS over the limit', blockedBy: 'watchdog' as const };
    const waiting = makeState([leaf('a', { ...blocked, children: ['fix'] }), makeTask('fix', { parent: 'a', status: 'pending' })]);
    assert.ok(!summary(planRules(waiting, ctx({ workerProblem: () => null })).actions).includes('unblock a'));
    const fixed = makeState([leaf('a', { ...blocked, children: ['fix'] }), makeTask('fix', { parent: 'a', status: 'done' })]);
    assert.deepEqual(summary(planRules(fixed, ctx({ workerProblem: () => null })).actions), ['unblock a']);
  });

  it('a task whose credentials were refused stays blocked whatever the planner sees', () => {
    const st = makeState([leaf('a', { status: 'blocked', reason: 'credentials refused', blockedBy: 'auth' })]);
    assert.deepEqual(planRules(st, ctx({ workerProblem: () => null })).actions, []);
  });

  it('a task whose verified branch conflicted twice stays blocked until a person acts (no retry loop)', () => {
    const st = makeState([leaf('a', { status: 'blocked', reason: 'branch aura/a/2 conflicts with main again', blockedBy: 'merge' })]);
    assert.deepEqual(planRules(st, ctx({ workerProblem: () => null })).actions, []);
  });

  it('workerProblem is asked only about leaves and groups with their own run:', () => {
    const asked: string[] = [];
    const st = makeState([makeTask('G'), leaf('g1', { parent: 'G' }), makeTask('H', { run: 'make all' }), leaf('h1', { parent: 'H' })]);
    planRules(st, ctx({ workerProblem: (t) => (asked.push(t.id), null) }));
    assert.ok(!asked.includes('G'), `asked about ${asked.join(', ')}`);
    assert.ok(asked.includes('g1'));
    assert.ok(asked.includes('H'));
  });
});

describe('planRules: groups', () => {
  it('a group is checked by aura once every subtask is done', () => {
    const st = makeState([makeTask('G'), leaf('g1', { parent: 'G', status: 'done' }), leaf('g2', { parent: 'G', status: 'done' })]);
    assert.deepEqual(planRules(st, ctx()).actions, [{ type: 'check_group', task: 'G', reason: 'all subtasks done' }]);
  });

  it('archived subtasks do not hold a group back', () => {
    const st = makeState([makeTask('G'), leaf('g1', { parent: 'G', status: 'done' }), leaf('g2', { parent: 'G', status: 'archived' })]);
    assert.deepEqual(summary(planRules(st, ctx()).actions), ['check_group G']);
  });

  it('a group check takes no slot', () => {
    const st = makeState([makeTask('G'), leaf('g1', { parent: 'G', status: 'done' }), leaf('x')]);
    assert.deepEqual(summary(planRules(st, ctx({ maxConcurrent: 1 })).actions), ['check_group G', 'spawn x']);
  });

  it('a group with unfinished subtasks waits; its subtasks start', () => {
    const st = makeState([makeTask('G'), leaf('g1', { parent: 'G', status: 'done' }), leaf('g2', { parent: 'G' })]);
    assert.deepEqual(summary(planRules(st, ctx()).actions), ['spawn g2']);
  });

  const failedKid: Array<[string, TaskStatus]> = [
    ['failed', 'failed'],
    ['blocked', 'blocked'],
  ];
  for (const [name, s] of failedKid) {
    it(`a group with a ${name} subtask is blocked, naming it`, () => {
      // g2 has no run: and no worker, so a blocked g2 stays blocked.
      const st = makeState([makeTask('G'), leaf('g1', { parent: 'G', status: 'done' }), makeTask('g2', { parent: 'G', status: s })]);
      assert.deepEqual(planRules(st, ctx()).actions, [{ type: 'block', task: 'G', reason: `subtask g2 is ${s}`, cause: 'subtask' }]);
    });
  }

  it('a group and its blocked subtask recover over two plans once the cause is gone', () => {
    const st = makeState([
      makeTask('G', { status: 'blocked', reason: 'subtask g1 is blocked' }),
      leaf('g1', { parent: 'G', status: 'blocked', reason: 'no worker' }),
    ]);
    // First plan: the subtask can run again, the group still sees it blocked.
    assert.deepEqual(summary(planRules(st, ctx()).actions), ['unblock g1']);
    // Second plan, after the daemon applied the unblock.
    assert.deepEqual(summary(planRules(withStatus(st, { g1: 'pending' }), ctx()).actions), ['unblock G', 'spawn g1']);
  });

  it('a blocked group is unblocked once no subtask is failed', () => {
    const st = makeState([
      makeTask('G', { status: 'blocked', reason: 'subtask g1 is failed' }),
      leaf('g1', { parent: 'G', status: 'pending' }),
    ]);
    assert.deepEqual(summary(planRules(st, ctx()).actions), ['unblock G', 'spawn g1']);
  });

  it('a group with its own run: starts like a leaf after its subtasks', () => {
    const st = makeState([makeTask('G', { run: 'make package' }), leaf('g1', { parent: 'G', status: 'done' })]);
    assert.deepEqual(planRules(st, ctx()).actions, [{ type: 'spawn', task: 'G', reason: 'dependencies done; starting' }]);
  });

  it('a group with its own run: waits for its subtasks', () => {
    const st = makeState([makeTask('G', { run: 'make package' }), leaf('g1', { parent: 'G', status: 'running' })]);
    assert.deepEqual(planRules(st, ctx()).actions, []);
  });

  it('a group whose needs are not done is neither checked nor started', () => {
    const st = makeState([leaf('a', { status: 'running' }), makeTask('G', { needs: ['a'] }), leaf('g1', { parent: 'G', status: 'done' })]);
    assert.deepEqual(planRules(st, ctx()).actions, []);
  });
});

describe('planRules: never marks anything done', () => {
  // A spread of states; whatever the planner proposes, none of it is "done".
  const states: Array<[string, RunState]> = [
    ['leaves', makeState([leaf('a'), leaf('b', { status: 'verifying' }), leaf('c', { status: 'done' })])],
    ['group ready for its check', makeState([makeTask('G'), leaf('g', { parent: 'G', status: 'done' })])],
    ['leaf with its worker done', makeState([leaf('a', { status: 'verifying', attempts: [exited(1, 0)] })])],
    ['everything done but the root', makeState([makeTask('R'), makeTask('G', { parent: 'R', status: 'done' }), leaf('g', { parent: 'G', status: 'done' })])],
  ];
  for (const [name, st] of states) {
    it(name, () => {
      const before = structuredClone(st);
      const plan = planRules(st, ctx());
      for (const a of plan.actions) assert.ok(['spawn', 'check_group', 'block', 'unblock'].includes(a.type), JSON.stringify(a));
      // It proposes; it does not touch the state.
      assert.deepEqual(st, before);
      for (const t of Object.values(st.tasks)) assert.equal(t.status, before.tasks[t.id]!.status);
    });
  }

  it('the check of a group is an action for the daemon, not a done', () => {
    const st = makeState([makeTask('G'), leaf('g', { parent: 'G', status: 'done' })]);
    const plan = planRules(st, ctx());
    assert.equal(st.tasks['G']!.status, 'pending');
    assert.deepEqual(summary(plan.actions), ['check_group G']);
  });
});

function withStatus(st: RunState, statuses: Record<string, TaskStatus>): RunState {
  const tasks = { ...st.tasks };
  for (const [id, status] of Object.entries(statuses)) tasks[id] = { ...tasks[id]!, status };
  return { ...st, tasks };
}

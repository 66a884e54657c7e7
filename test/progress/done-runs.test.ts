// DoneRuns (src/progress/done-runs.ts): where runs of finished siblings end, kept as tasks finish and
// reopen, must be what stepping over the siblings finds, at every place in every list of siblings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DoneRuns } from '../../src/progress/done-runs.js';
import { taskForest, type TaskNode } from '../../src/progress/tree.js';
import type { TaskStatus } from '../../src/store/schema.js';
import { fixtureState, task } from './fixture.js';

const allDone = (n: TaskNode): boolean => n.status === 'done' && n.children.every(allDone);

function walked(ts: readonly TaskNode[], i: number): { end: number; tasks: number } {
  let end = i;
  let tasks = 0;
  while (end < ts.length && allDone(ts[end]!)) tasks += ts[end++]!.size;
  return { end, tasks };
}

function lists(ts: readonly TaskNode[], out: (readonly TaskNode[])[] = []): (readonly TaskNode[])[] {
  out.push(ts);
  for (const n of ts) lists(n.children, out);
  return out;
}

describe('DoneRuns', () => {
  it('finds each run of finished siblings as the walk does, as tasks finish and reopen', () => {
    // a, b(b1, b2(b21)), c, d(d1), e: a tree with groups at two levels.
    const state = fixtureState();
    const spec: [string, string | null][] = [['a', null], ['b', null], ['b1', 'b'], ['b2', 'b'], ['b21', 'b2'], ['c', null], ['d', null], ['d1', 'd'], ['e', null]];
    state.tasks = {};
    state.roots = [];
    for (const [id, parent] of spec) {
      state.tasks[id] = task({ id, parent });
      if (parent) state.tasks[parent] = { ...state.tasks[parent]!, children: [...state.tasks[parent]!.children, id] };
      else state.roots.push(id);
    }
    const forest = taskForest(state);
    const runs = new DoneRuns([forest.live, forest.archived]);
    const nodes = new Map<string, TaskNode>();
    const index = (ts: readonly TaskNode[]): void => ts.forEach((n) => (nodes.set(n.task.id, n), index(n.children)));
    index(forest.live);
    const check = (label: string): void => {
      for (const ts of lists(forest.live)) {
        for (let i = 0; i < ts.length; i++) {
          assert.equal(runs.allDone(ts[i]!), allDone(ts[i]!), `${label}: ${ts[i]!.task.id} all done`);
          if (allDone(ts[i]!)) assert.deepEqual(runs.run(ts, i), walked(ts, i), `${label}: run from ${ts[i]!.task.id}`);
        }
      }
    };
    check('none done');
    const steps: [string, TaskStatus][] = [['a', 'done'], ['b21', 'done'], ['b2', 'done'], ['b1', 'done'], ['b', 'done'], ['c', 'done'], ['d', 'done'], ['b21', 'running'], ['d1', 'done'], ['e', 'done'], ['b21', 'done'], ['c', 'failed'], ['a', 'pending']];
    for (const [id, to] of steps) {
      const n = nodes.get(id)!;
      const was = n.status === 'done';
      n.status = to;
      if (was !== (to === 'done')) runs.changed(n, to === 'done');
      check(`${id} ${to}`);
    }
    assert.equal(runs.run([], 0), null, 'a list it does not hold: the caller walks');
  });
});

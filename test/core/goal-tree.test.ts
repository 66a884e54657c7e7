// The goal is the root of the tree and the person's edits reconcile only what came from task.md.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTaskFile, type ApplyResult } from '../../src/core/apply-taskfile.js';
import { buildChildren, type ChildSpec } from '../../src/core/proposals.js';
import { GOAL_ID, goalDone, liveTasks, unreachableTasks } from '../../src/core/tree.js';
import { RunState, type TaskState } from '../../src/store/schema.js';
import { deriveId, uniqueId } from '../../src/taskfile/ids.js';
import { parseTaskFile } from '../../src/taskfile/parse.js';
import { T0, at, exited, makeState, makeTask } from './fixtures.js';

const md = (...lines: string[]) => lines.join('\n') + '\n';
let n = 0;
const apply = (prev: RunState | null, text: string): ApplyResult =>
  applyTaskFile(prev, parseTaskFile(text), { taskFile: '/p/task.md', hash: `h${++n}`, now: at(n), runId: 'run-1' });
const derive = (title: string, taken: ReadonlySet<string>) => uniqueId(deriveId(title), taken);

/** The planner decomposes `parent` (as planner-apply does: children created, parent updated). */
function decompose(st: RunState, parent: string, children: ChildSpec[]): RunState {
  const { parent: p, created } = buildChildren(st, st.tasks[parent]!, children, T0, derive);
  return { ...st, tasks: { ...st.tasks, [parent]: p, ...Object.fromEntries(created.map((t) => [t.id, t])) } };
}
const child = (id: string, needs: string[] = []): ChildSpec => ({ id, title: id, acceptance: 'a', produces: [`${id}.txt`], needs });
const set = (st: RunState, id: string, patch: Partial<TaskState>): RunState => ({ ...st, tasks: { ...st.tasks, [id]: { ...st.tasks[id]!, ...patch } } });

const GOAL_ONLY = md('# Write the report', '', 'Two parts and a summary.');
const WITH_ITEM = GOAL_ONLY + md('', '- [ ] Add a changelog', '  - run: echo x > changelog.md', '  - produces: changelog.md');

describe('the goal is the root; the planner\'s tasks survive the person\'s edits', () => {
  function planned(): RunState {
    let st = apply(null, GOAL_ONLY).state;
    st = decompose(st, GOAL_ID, [child('part-a'), child('part-b'), child('report', ['part-a', 'part-b'])]);
    st = set(st, 'part-a', { status: 'running' });
    return set(st, 'part-b', { status: 'running' });
  }

  it('a goal-only file gaining a checklist keeps the planner\'s tasks, running, beside the new item', () => {
    const r = apply(planned(), WITH_ITEM);
    const st = r.state;
    assert.deepEqual(st.tasks[GOAL_ID]!.children, ['add-a-changelog', 'part-a', 'part-b', 'report']);
    assert.equal(st.tasks[GOAL_ID]!.status, 'pending', 'the root is never archived');
    for (const id of ['part-a', 'part-b']) assert.equal(st.tasks[id]!.status, 'running', id);
    assert.equal(st.tasks['report']!.status, 'pending');
    assert.equal(st.tasks['add-a-changelog']!.origin, 'taskfile');
    assert.equal(st.tasks['part-a']!.origin, 'planner');
    assert.deepEqual(r.stop, [], 'no worker is stopped');
    assert.deepEqual(unreachableTasks(st), []);
    assert.equal(goalDone(st), false);
    RunState.parse(st);
  });

  it('the new item done is not the goal done while a planner task is open', () => {
    let st = apply(planned(), WITH_ITEM).state;
    st = set(st, 'add-a-changelog', { status: 'done' });
    assert.equal(goalDone(st), false);
    for (const id of ['part-a', 'part-b', 'report']) st = set(st, id, { status: 'done' });
    assert.equal(goalDone(st), false, 'the root waits for its own group check');
    st = set(st, GOAL_ID, { status: 'done' });
    assert.equal(goalDone(st), true);
  });

  it('removing the task.md item a planner subtree hangs under archives the subtree and stops its workers', () => {
    let st = apply(null, WITH_ITEM + md('- [ ] Polish', '  - notes')).state;
    st = decompose(st, 'polish', [child('polish-1'), child('polish-2')]);
    st = decompose(st, 'polish-1', [child('polish-1a')]);
    st = set(st, 'polish-1a', { status: 'running' });
    const r = apply(st, WITH_ITEM);
    for (const id of ['polish', 'polish-1', 'polish-2', 'polish-1a']) assert.equal(r.state.tasks[id]!.status, 'archived', id);
    assert.equal(r.state.tasks['polish-1a']!.reason, 'removed with polish (removed from task.md); history kept');
    assert.deepEqual(r.stop, [{ task: 'polish-1a', reason: 'removed with polish (removed from task.md)' }]);
    assert.deepEqual(r.state.tasks[GOAL_ID]!.children, ['add-a-changelog']);
    assert.deepEqual(unreachableTasks(r.state), []);
  });

  it('planner tasks at the top survive any number of edits, even the checklist being removed again', () => {
    let st = apply(planned(), WITH_ITEM).state;
    st = apply(st, WITH_ITEM.replace('Add a changelog', 'Add a CHANGELOG')).state;
    st = apply(st, GOAL_ONLY).state;
    assert.equal(st.tasks['add-a-changelog']!.status, 'archived');
    for (const id of ['part-a', 'part-b']) assert.equal(st.tasks[id]!.status, 'running', id);
    assert.deepEqual(st.tasks[GOAL_ID]!.children, ['part-a', 'part-b', 'report']);
    assert.deepEqual(unreachableTasks(st), []);
  });

  it('a done goal reopens when an item is added, and the reopening is journaled', () => {
    let st = apply(null, WITH_ITEM).state;
    st = set(set(st, 'add-a-changelog', { status: 'done' }), GOAL_ID, { status: 'done' });
    st = { ...st, doneAt: at(50).toISOString() };
    const r = apply(st, WITH_ITEM + md('- [ ] One more', '  - run: true'));
    assert.equal(r.state.tasks[GOAL_ID]!.status, 'pending');
    assert.match(r.state.tasks[GOAL_ID]!.reason, /subtask one-more is not done any more/);
    assert.equal(r.state.doneAt, null);
    assert.ok(r.entries.some((e) => e.task === GOAL_ID && e.from === 'done' && e.to === 'pending'));
  });

  it('a nested group reopens, and its parent with it', () => {
    const text = md('# G', '- [ ] Outer', '  - [ ] Inner', '    - [ ] Leaf', '      - run: true');
    let st = apply(null, text).state;
    for (const id of ['leaf', 'inner', 'outer', GOAL_ID]) st = set(st, id, { status: 'done' });
    const r = apply(st, text + md('    - [ ] Leaf two', '      - run: true'));
    for (const id of ['inner', 'outer', GOAL_ID]) assert.equal(r.state.tasks[id]!.status, 'pending', id);
    assert.equal(r.state.tasks['leaf']!.status, 'done');
  });

  it('an item ticked by the person stays done even with an open subtask (the person\'s word)', () => {
    const text = md('# G', '- [x] Outer', '  - [ ] Leaf', '    - run: true');
    const st = apply(null, text).state;
    assert.equal(st.tasks['outer']!.status, 'done');
    assert.equal(st.tasks['leaf']!.status, 'pending');
    assert.equal(goalDone(st), false);
  });
});

describe('an explicit id changed in task.md', () => {
  const A = md('# G', '- [ ] Build', '  - id: A', '  - run: make', '- [ ] Ship', '  - needs: A', '  - run: ship');
  const A2 = A.replace('id: A', 'id: A2').replace('needs: A', 'needs: A2');

  it('renames an idle task with its history; dependents follow', () => {
    let st = apply(null, A).state;
    st = set(st, 'A', { status: 'failed', attempts: [exited(1)] });
    const r = apply(st, A2);
    assert.equal(r.state.tasks['A'], undefined);
    assert.equal(r.state.tasks['A2']!.attempts.length, 1);
    assert.equal(r.state.tasks['A2']!.status, 'failed');
    assert.deepEqual(r.state.tasks['ship']!.needs, ['A2']);
    assert.deepEqual(r.renamed, [{ from: 'A', to: 'A2' }]);
    assert.match(r.entries[0]!.msg, /id A → A2/);
    assert.ok(r.entries.some((e) => e.task === 'A2' && /renamed A → A2/.test(e.msg)));
    assert.deepEqual(unreachableTasks(r.state), []);
  });

  it('defers the rename of a running task, says so, and keeps it addressable by its old id', () => {
    const st = set(apply(null, A).state, 'A', { status: 'running' });
    const r = apply(st, A2);
    assert.equal(r.state.tasks['A']!.status, 'running');
    assert.equal(r.state.tasks['A2'], undefined);
    assert.deepEqual(r.deferred, [{ from: 'A', to: 'A2' }]);
    assert.ok(r.entries.some((e) => e.kind === 'warning' && /takes effect when its worker ends/.test(e.msg)));
    // Applied again once idle, the rename happens.
    const later = apply(set(r.state, 'A', { status: 'pending' }), A2);
    assert.ok(later.state.tasks['A2']);
  });
});

describe('a state from before the goal was the root', () => {
  function oldState(): RunState {
    // Goal-only, the goal task under its derived id, the planner's tasks marked extra.origin = aura.
    const goal = makeTask('write-the-report', { title: 'Write the report', children: ['part-a'] });
    const a = makeTask('part-a', { parent: 'write-the-report', extra: { origin: 'aura' }, status: 'running' });
    const s = makeState([goal, a], { goal: 'Write the report', goalOnly: true, roots: ['write-the-report'] });
    for (const t of Object.values(s.tasks)) delete (t as Partial<TaskState>).origin;
    return RunState.parse(s);
  }

  it('the old goal task becomes the root, with its planner subtree, origins set', () => {
    const r = apply(oldState(), GOAL_ONLY);
    assert.deepEqual(Object.keys(r.state.tasks).sort(), [GOAL_ID, 'part-a']);
    assert.equal(r.state.tasks['part-a']!.parent, GOAL_ID);
    assert.equal(r.state.tasks['part-a']!.origin, 'aura');
    assert.deepEqual(r.state.tasks['part-a']!.extra, {});
    assert.equal(r.state.tasks['part-a']!.status, 'running');
    assert.deepEqual(r.stop, []);
    assert.deepEqual(liveTasks(r.state).map((t) => t.id), [GOAL_ID, 'part-a']);
  });

  it('a checklist state gets a root over its old top-level items', () => {
    const old = makeState([makeTask('x', { title: 'X', run: 'true' }), makeTask('y', { title: 'Y', run: 'true' })], { goal: 'G' });
    const r = apply(old, md('# G', '- [ ] X', '  - run: true', '- [ ] Y', '  - run: true'));
    assert.deepEqual(r.state.tasks[GOAL_ID]!.children, ['x', 'y']);
    assert.equal(r.state.tasks['x']!.parent, GOAL_ID);
    assert.deepEqual(r.stop, []);
  });

  it('a planner subtree orphaned by the old design is found and hung under the root', () => {
    const s = makeState(
      [makeTask('old-goal', { status: 'archived', children: ['p1'] }), makeTask('p1', { parent: 'old-goal', extra: { origin: 'aura' } }), makeTask('item', { run: 'true', title: 'Item' })],
      { goal: 'G', roots: ['item'] },
    );
    const r = apply(s, md('# G', '- [ ] Item', '  - run: true'));
    assert.deepEqual(unreachableTasks(r.state), []);
    assert.equal(r.state.tasks['p1']!.parent, GOAL_ID);
    assert.ok(r.state.tasks[GOAL_ID]!.children.includes('p1'));
  });
});

describe('task-file warnings are kept in the state until fixed', () => {
  it('numbered context items are named, and the warning goes when they do', () => {
    const text = md('# G', '## Tasks', '1. Add error handling', '2. Write tests');
    const r1 = apply(null, text);
    assert.equal(r1.state.taskFileWarnings.length, 1);
    assert.match(r1.state.taskFileWarnings[0]!, /lines 3-4 are context, not tasks/);
    const r2 = apply(r1.state, md('# G', '## Tasks', '- [ ] Add error handling', '- [ ] Write tests'));
    assert.deepEqual(r2.state.taskFileWarnings, []);
    assert.equal(r2.changed, true);
  });
});

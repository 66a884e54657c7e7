import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ApplyResult, type TaskFileMeta, applyTaskFile, emptyState } from '../../src/core/apply-taskfile.js';
import type { RunState, TaskState } from '../../src/store/schema.js';
import { parseTaskFile } from '../../src/taskfile/parse.js';
import { GOAL_ID } from '../../src/core/tree.js';
import { T0, at, exited, withTask } from './fixtures.js';

const md = (...lines: string[]) => lines.join('\n') + '\n';

function meta(hash: string, now = T0): TaskFileMeta {
  return { taskFile: '/p/task.md', hash, now, runId: 'run-1' };
}

/** Applies `text` on top of `prev` (a fresh hash each call unless given). */
let hashes = 0;
function apply(prev: RunState | null, text: string, hash = `h${++hashes}`, now = at(60)): ApplyResult {
  return applyTaskFile(prev, parseTaskFile(text), meta(hash, now));
}

const BASE = md(
  '# Ship the app',
  '',
  'Some context.',
  '',
  '- [ ] Build the app',
  '  - run: make',
  '  - produces: dist/app',
  '- [ ] Test the app',
  '  - run: make test',
  '  - verify: make check',
  '- [ ] Write the docs',
  '  - run: make docs',
);
const IDS = ['build-the-app', 'test-the-app', 'write-the-docs'];

/** BASE applied once, as the state a first daemon start would hold. */
function first(): RunState {
  return applyTaskFile(null, parseTaskFile(BASE), meta('h0', T0)).state;
}

const taskfileEntry = (r: ApplyResult) => {
  const e = r.entries[0]!;
  assert.equal(e.kind, 'taskfile');
  return e as typeof e & { data: Record<string, unknown> & { state: Record<string, unknown> } };
};
const statusEntries = (r: ApplyResult) => r.entries.filter((e) => e.kind === 'status');
const kids = (st: RunState) => st.tasks[GOAL_ID]!.children;
const t = (st: RunState, id: string): TaskState => {
  const x = st.tasks[id];
  assert.ok(x, `no task ${id} in ${Object.keys(st.tasks).join(', ')}`);
  return x;
};

describe('applyTaskFile: first read', () => {
  const r = applyTaskFile(null, parseTaskFile(md('# G', '- [ ] Build', '  - run: make', '- [x] Setup', '- [ ] Group', '  - [ ] Part one', '  - [ ] Part two')), meta('h1'));

  it('creates every task pending, ticked ones done', () => {
    const st = r.state;
    assert.deepEqual(st.roots, [GOAL_ID]);
    assert.deepEqual(kids(st), ['build', 'setup', 'group']);
    assert.deepEqual(
      Object.values(st.tasks).map((x) => [x.id, x.status, x.reason]),
      [
        [GOAL_ID, 'pending', 'the goal'],
        ['build', 'pending', 'new in task.md'],
        ['setup', 'done', 'ticked in task.md by the user'],
        ['group', 'pending', 'new in task.md'],
        ['part-one', 'pending', 'new in task.md'],
        ['part-two', 'pending', 'new in task.md'],
      ],
    );
    assert.equal(t(st, 'setup').userChecked, true);
    assert.equal(t(st, 'build').userChecked, false);
    assert.equal(t(st, 'build').run, 'make');
  });

  it('builds the tree: parent, children, order and needs', () => {
    const st = r.state;
    assert.deepEqual(t(st, 'group').children, ['part-one', 'part-two']);
    assert.equal(t(st, 'part-one').parent, 'group');
    assert.equal(t(st, 'part-two').order, 1);
    assert.deepEqual(t(st, 'part-two').needs, ['part-one']);
    assert.deepEqual(t(st, 'setup').needs, ['build']);
  });

  it('new tasks start clean', () => {
    for (const x of Object.values(r.state.tasks)) {
      assert.deepEqual(x.attempts, []);
      assert.equal(x.attemptBase, 0);
      assert.equal(x.notBefore, null);
      assert.equal(x.createdAt, T0.toISOString());
    }
  });

  it('fills the run state from the file and the meta', () => {
    const st = r.state;
    assert.equal(st.goal, 'G');
    assert.equal(st.taskFile, '/p/task.md');
    assert.equal(st.taskFileHash, 'h1');
    assert.equal(st.runId, 'run-1');
    assert.equal(st.goalOnly, false);
    assert.equal(st.doneAt, null);
    assert.equal(st.cycle, 0);
  });

  it('journals the read, then one status entry per task carrying its snapshot', () => {
    const e = taskfileEntry(r);
    assert.equal(e.msg, 'read task file: goal "G", 5 task(s)');
    assert.deepEqual(e.data['added'], ['build', 'setup', 'group', 'part-one', 'part-two']);
    assert.deepEqual(
      statusEntries(r).map((x) => [x.task, x.from, x.to]),
      [
        ['build', undefined, 'pending'],
        ['setup', 'pending', 'done'],
        ['group', undefined, 'pending'],
        ['part-one', undefined, 'pending'],
        ['part-two', undefined, 'pending'],
        [GOAL_ID, 'pending', 'pending'],
      ],
    );
    for (const x of statusEntries(r)) assert.deepEqual(x.data!['task'], r.state.tasks[x.task!]);
    assert.equal(r.changed, true);
    assert.deepEqual(r.stop, []);
  });

  it('a file with no checklist has one task: the goal, the root, as a leaf', () => {
    const g = applyTaskFile(null, parseTaskFile(md('# Train the model', '', 'Just do it.')), meta('h1'));
    assert.equal(g.state.goalOnly, true);
    assert.deepEqual(g.state.roots, [GOAL_ID]);
    assert.equal(t(g.state, GOAL_ID).status, 'pending');
    assert.equal(t(g.state, GOAL_ID).title, 'Train the model');
    assert.deepEqual(t(g.state, GOAL_ID).children, []);
    assert.deepEqual(Object.keys(g.state.tasks), [GOAL_ID]);
  });

  it('emptyState is an empty run for the file', () => {
    const e = emptyState(meta('h1'), parseTaskFile(BASE));
    assert.deepEqual(e.roots, []);
    assert.deepEqual(e.tasks, {});
    assert.equal(e.goal, 'Ship the app');
    assert.equal(e.context, 'Some context.');
  });
});

describe('applyTaskFile: edits', () => {
  it('appending an item adds it pending and clears doneAt', () => {
    let st = first();
    for (const id of IDS) st = withTask(st, id, { status: 'done' });
    st = { ...st, doneAt: at(30).toISOString() };
    const r = apply(st, BASE + md('- [ ] Publish', '  - run: make publish'));
    assert.equal(t(r.state, 'publish').status, 'pending');
    assert.deepEqual(t(r.state, 'publish').needs, ['write-the-docs']);
    assert.equal(r.state.doneAt, null);
    assert.deepEqual(kids(r.state), [...IDS, 'publish']);
    for (const id of IDS) assert.equal(t(r.state, id).status, 'done');
    const e = taskfileEntry(r);
    assert.equal(e.msg, 'task file changed: added publish');
    assert.deepEqual(e.data['added'], ['publish']);
    assert.equal(e.data.state['doneAt'], null);
  });

  it('rewording keeps the id, the status and the attempts', () => {
    let st = first();
    st = withTask(st, 'build-the-app', { status: 'failed', attempts: [exited(1), exited(2), exited(3)], attemptBase: 0 });
    const r = apply(st, BASE.replace('Build the app', 'Build the **whole** application'));
    const b = t(r.state, 'build-the-app');
    assert.equal(b.title, 'Build the **whole** application');
    assert.equal(b.status, 'failed');
    assert.equal(b.attempts.length, 3);
    assert.equal(b.attemptBase, 0);
    assert.equal(r.state.tasks['build-the-whole-application'], undefined);
    const e = taskfileEntry(r);
    assert.equal(e.msg, 'task file changed: reworded build-the-app');
    assert.deepEqual(e.data['renamed'], [{ id: 'build-the-app', from: 'Build the app', to: 'Build the **whole** application' }]);
    assert.deepEqual(e.data['added'], []);
    assert.deepEqual(e.data['removed'], []);
    // Dependents still point at the old id.
    assert.deepEqual(t(r.state, 'test-the-app').needs, ['build-the-app']);
  });

  it('removing a running task archives it and asks for its worker to be stopped', () => {
    const st = withTask(first(), 'test-the-app', { status: 'running', attempts: [makeRunning(1)] });
    const r = apply(st, BASE.replace(md('- [ ] Test the app', '  - run: make test', '  - verify: make check'), ''));
    const x = t(r.state, 'test-the-app');
    assert.equal(x.status, 'archived');
    assert.equal(x.reason, 'removed from task.md; history kept');
    assert.equal(x.attempts.length, 1);
    assert.deepEqual(r.stop, [{ task: 'test-the-app', reason: 'removed from task.md' }]);
    assert.deepEqual(kids(r.state), ['build-the-app', 'write-the-docs']);
    const e = taskfileEntry(r);
    assert.deepEqual(e.data['removed'], ['test-the-app']);
    assert.equal(e.msg, 'task file changed: removed test-the-app');
    assert.deepEqual(
      statusEntries(r).map((x) => [x.task, x.from, x.to]),
      [
        ['test-the-app', 'running', 'archived'],
        [GOAL_ID, 'pending', 'pending'],
      ],
    );
  });

  it('removing a verifying task stops its check too; removing a pending one stops nothing', () => {
    const st = withTask(first(), 'test-the-app', { status: 'verifying' });
    const r = apply(st, md('# Ship the app', '- [ ] Build the app', '  - run: make', '  - produces: dist/app'));
    assert.deepEqual(r.stop, [{ task: 'test-the-app', reason: 'removed from task.md' }]);
    assert.equal(t(r.state, 'write-the-docs').status, 'archived');
  });

  it('removing a group archives its subtasks as well', () => {
    const withGroup = BASE + md('- [ ] Release', '  - [ ] Tag it', '    - run: git tag', '  - [ ] Upload it', '    - run: upload');
    let st = apply(first(), withGroup).state;
    st = withTask(st, 'upload-it', { status: 'running' });
    const r = apply(st, BASE);
    for (const id of ['release', 'tag-it', 'upload-it']) assert.equal(t(r.state, id).status, 'archived', id);
    assert.deepEqual(r.stop, [{ task: 'upload-it', reason: 'removed from task.md' }]);
  });

  it('removing then re-adding a task revives it: same id, history kept, pending, count reset', () => {
    let st = withTask(first(), 'write-the-docs', { status: 'failed', attempts: [exited(1), exited(2), exited(3)] });
    const without = BASE.replace(md('- [ ] Write the docs', '  - run: make docs'), '');
    st = apply(st, without).state;
    assert.equal(t(st, 'write-the-docs').status, 'archived');
    const r = apply(st, BASE);
    const x = t(r.state, 'write-the-docs');
    assert.equal(x.status, 'pending');
    assert.equal(x.reason, 'back in task.md');
    assert.equal(x.attempts.length, 3);
    assert.equal(x.attemptBase, 3);
    assert.equal(x.notBefore, null);
    assert.deepEqual(kids(r.state), IDS);
    assert.equal(Object.keys(r.state.tasks).length, 4);
    assert.deepEqual(
      statusEntries(r).map((x) => [x.task, x.from, x.to]),
      [
        ['write-the-docs', 'archived', 'pending'],
        [GOAL_ID, 'pending', 'pending'],
      ],
    );
  });

  it(
    're-adding a removed task as ticked `- [x]` makes it done',
    () => {
      const st = apply(first(), BASE.replace(md('- [ ] Write the docs', '  - run: make docs'), '')).state;
      const r = apply(st, BASE.replace('- [ ] Write the docs', '- [x] Write the docs'));
      const x = t(r.state, 'write-the-docs');
      assert.equal(x.status, 'done');
      assert.equal(x.reason, 'back in task.md, ticked by the user');
    },
  );

  /** All three done, then write-the-docs removed and the goal marked done: the state a revival starts from. */
  function doneWithoutDocs(): RunState {
    let st = first();
    for (const id of IDS) st = withTask(st, id, { status: 'done' });
    st = apply(st, BASE.replace(md('- [ ] Write the docs', '  - run: make docs'), '')).state;
    return { ...st, doneAt: at(30).toISOString() };
  }

  it(
    'reviving a removed task clears doneAt',
    () => {
      const r = apply(doneWithoutDocs(), BASE);
      assert.equal(t(r.state, 'write-the-docs').status, 'pending');
      assert.equal(r.state.doneAt, null);
    },
  );

  it(
    'reviving a removed task is named in the taskfile journal entry',
    () => {
      const r = apply(doneWithoutDocs(), BASE);
      const e = taskfileEntry(r);
      assert.match(e.msg, /write-the-docs/);
    },
  );

  it('changing run: on a failed task → pending, attempts reset', () => {
    const st = withTask(first(), 'build-the-app', { status: 'failed', attempts: [exited(1), exited(2), exited(3)], reason: 'failed after 3 attempts' });
    const r = apply(st, BASE.replace('run: make\n', 'run: make -j4\n'));
    const b = t(r.state, 'build-the-app');
    assert.equal(b.status, 'pending');
    assert.equal(b.run, 'make -j4');
    assert.equal(b.attemptBase, 3);
    assert.equal(b.attempts.length, 3);
    assert.equal(b.reason, 'changed in task.md (run/produces/verify/worker); attempts reset');
    const e = taskfileEntry(r);
    assert.deepEqual(e.data['changed'], ['build-the-app']);
    assert.equal(e.msg, 'task file changed: changed build-the-app');
  });

  it('changing produces: on a blocked task → pending, attempts reset', () => {
    const st = withTask(first(), 'build-the-app', { status: 'blocked', attempts: [exited(1)], reason: 'no worker' });
    const r = apply(st, BASE.replace('produces: dist/app', 'produces: dist/app, dist/lib'));
    assert.equal(t(r.state, 'build-the-app').status, 'pending');
    assert.equal(t(r.state, 'build-the-app').attemptBase, 1);
  });

  it('changing verify: on a done task → pending, "running again", doneAt cleared', () => {
    let st = first();
    for (const id of IDS) st = withTask(st, id, { status: 'done', attempts: [exited(1, 0)] });
    st = { ...st, doneAt: at(30).toISOString() };
    const r = apply(st, BASE.replace('verify: make check', 'verify: make check-all'));
    const x = t(r.state, 'test-the-app');
    assert.equal(x.status, 'pending');
    assert.equal(x.verify, 'make check-all');
    assert.equal(x.reason, 'changed in task.md (run/produces/verify/worker); running again');
    assert.equal(x.attemptBase, 1);
    assert.equal(r.state.doneAt, null);
    assert.equal(t(r.state, 'build-the-app').status, 'done');
  });

  it('changing run: on a pending task waiting for its retry → retry now with the new settings', () => {
    const st = withTask(first(), 'build-the-app', { status: 'pending', attempts: [exited(1)], notBefore: at(600).toISOString() });
    const r = apply(st, BASE.replace('run: make\n', 'run: make all\n'));
    const b = t(r.state, 'build-the-app');
    assert.equal(b.status, 'pending');
    assert.equal(b.notBefore, null);
    assert.equal(b.attemptBase, 1);
    assert.equal(b.reason, 'changed in task.md; retrying now with the new settings');
  });

  it('changing run: on a running task leaves it running (no transition), but records the change', () => {
    const st = withTask(first(), 'build-the-app', { status: 'running', attempts: [makeRunning(1)] });
    const r = apply(st, BASE.replace('run: make\n', 'run: make all\n'));
    assert.equal(t(r.state, 'build-the-app').status, 'running');
    assert.equal(t(r.state, 'build-the-app').run, 'make all');
    assert.deepEqual(taskfileEntry(r).data['changed'], ['build-the-app']);
    assert.deepEqual(r.stop, []);
  });

  it('ticking a running task does not end it: the tick is void, the worker goes on, the journal says why', () => {
    const st = withTask(first(), 'build-the-app', { status: 'running', attempts: [makeRunning(1)], notBefore: null });
    const ticked = BASE.replace('- [ ] Build the app', '- [x] Build the app');
    const r = apply(st, ticked);
    const b = t(r.state, 'build-the-app');
    assert.equal(b.status, 'running');
    assert.equal(b.voidTick, true);
    assert.deepEqual(r.stop, []);
    const w = r.entries.find((e) => e.kind === 'warning' && e.task === 'build-the-app');
    assert.match(w?.msg ?? '', /ticked in task\.md while its worker ran: a tick cannot end a running task, its evidence decides/);
    assert.equal((w?.data?.['task'] as TaskState).voidTick, true, 'replayable');
    // The attempt fails; the tick still in the file does not make it done, even at a later edit.
    const failed = withTask(r.state, 'build-the-app', { status: 'pending', attempts: [exited(1, 1)] });
    const later = apply(failed, ticked + md('', 'More context.'));
    assert.equal(t(later.state, 'build-the-app').status, 'pending');
    // Unticked, then ticked again while idle: now it is the person's word.
    const unticked = apply(later.state, BASE);
    assert.equal(t(unticked.state, 'build-the-app').voidTick, false);
    const again = apply(unticked.state, ticked);
    assert.equal(t(again.state, 'build-the-app').status, 'done');
    assert.equal(t(again.state, 'build-the-app').reason, 'ticked in task.md by the user');
  });

  it('a void tick on a task its evidence then made done: unticking does not reopen it', () => {
    const st = withTask(first(), 'build-the-app', { status: 'running', attempts: [makeRunning(1)] });
    const ticked = BASE.replace('- [ ] Build the app', '- [x] Build the app');
    const r = apply(st, ticked);
    const done = withTask(r.state, 'build-the-app', { status: 'done', attempts: [exited(1, 0)] });
    const un = apply(done, BASE);
    assert.equal(t(un.state, 'build-the-app').status, 'done');
  });

  it('ticking a verifying task is void too', () => {
    const st = withTask(first(), 'build-the-app', { status: 'verifying', attempts: [exited(1, 0)] });
    const r = apply(st, BASE.replace('- [ ] Build the app', '- [x] Build the app'));
    assert.equal(t(r.state, 'build-the-app').status, 'verifying');
    assert.equal(t(r.state, 'build-the-app').voidTick, true);
  });

  it('ticking a failed task marks it done', () => {
    const st = withTask(first(), 'write-the-docs', { status: 'failed', attempts: [exited(1)] });
    const r = apply(st, BASE.replace('- [ ] Write the docs', '- [x] Write the docs'));
    assert.equal(t(r.state, 'write-the-docs').status, 'done');
    assert.deepEqual(r.stop, []);
  });

  it('unticking a user-ticked task → pending, attempts reset', () => {
    const ticked = BASE.replace('- [ ] Write the docs', '- [x] Write the docs');
    const st = apply(first(), ticked).state;
    assert.equal(t(st, 'write-the-docs').status, 'done');
    const r = apply(st, BASE);
    const x = t(r.state, 'write-the-docs');
    assert.equal(x.status, 'pending');
    assert.equal(x.reason, 'unticked in task.md');
    assert.equal(x.userChecked, false);
    assert.equal(x.attemptBase, x.attempts.length);
  });

  it(
    'unticking a task after the goal was done clears doneAt',
    () => {
      let st = apply(first(), BASE.replace('- [ ] Write the docs', '- [x] Write the docs')).state;
      for (const id of ['build-the-app', 'test-the-app']) st = withTask(st, id, { status: 'done' });
      st = { ...st, doneAt: at(30).toISOString() };
      const r = apply(st, BASE);
      assert.equal(t(r.state, 'write-the-docs').status, 'pending');
      assert.equal(r.state.doneAt, null);
    },
  );

  it(
    'editing run: of a task that is still ticked `- [x]` keeps it done (aura never runs a ticked task)',
    () => {
      const ticked = md('# G', '- [x] Setup', '  - run: ./setup.sh', '- [ ] Build', '  - run: make');
      const st = apply(null, ticked).state;
      const r = apply(st, ticked.replace('./setup.sh', './setup.sh --fast'));
      const x = t(r.state, 'setup');
      assert.equal(x.run, './setup.sh --fast');
      assert.equal(x.userChecked, true);
      assert.equal(x.status, 'done');
    },
  );

  it('a task done by its evidence stays done when the file does not change it', () => {
    const st = withTask(first(), 'build-the-app', { status: 'done', attempts: [exited(1, 0)] });
    const r = apply(st, BASE + md('', 'More context.'));
    assert.equal(t(r.state, 'build-the-app').status, 'done');
    assert.equal(r.entries.length, 1);
    assert.equal(taskfileEntry(r).msg, 'task file changed: no task changes (context or wording only)');
    assert.equal(r.state.context, 'Some context.\n\nMore context.');
  });

  it('the same file with the same hash changes nothing', () => {
    const st0 = first();
    const r = applyTaskFile(st0, parseTaskFile(BASE), meta('h0', at(60)));
    assert.equal(r.changed, false);
    assert.equal(r.entries.length, 1);
    for (const id of IDS) assert.deepEqual(r.state.tasks[id], st0.tasks[id]);
  });

  it('the same tasks under a new hash is a change (the hash must be saved)', () => {
    const r = apply(first(), BASE, 'h-new');
    assert.equal(r.changed, true);
    assert.equal(r.state.taskFileHash, 'h-new');
  });

  it('does not modify the previous state', () => {
    const st = withTask(first(), 'build-the-app', { status: 'failed', attempts: [exited(1)] });
    const copy = structuredClone(st);
    apply(st, BASE.replace('run: make\n', 'run: make -j4\n').replace(md('- [ ] Write the docs', '  - run: make docs'), ''));
    assert.deepEqual(st, copy);
  });
});

describe('applyTaskFile: the taskfile journal entry', () => {
  it('names added, removed and changed ids in its message and data, and carries data.state', () => {
    const st = withTask(first(), 'build-the-app', { status: 'failed' });
    const next = BASE.replace('run: make\n', 'run: make -j4\n')
      .replace(md('- [ ] Write the docs', '  - run: make docs'), '')
      .replace('Some context.', 'New context.') + md('- [ ] Publish', '  - run: make publish');
    const r = apply(st, next, 'h-edit');
    const e = taskfileEntry(r);
    assert.equal(e.msg, 'task file changed: added publish; removed write-the-docs; changed build-the-app');
    assert.deepEqual(e.data['added'], ['publish']);
    assert.deepEqual(e.data['removed'], ['write-the-docs']);
    assert.deepEqual(e.data['changed'], ['build-the-app']);
    assert.deepEqual(e.data['renamed'], []);
    assert.equal(e.data['hash'], 'h-edit');
    assert.deepEqual(e.data['warnings'], []);
    // data.state: what replay needs to rebuild the run-level fields from the journal alone.
    const s = e.data.state;
    assert.equal(s['goal'], 'Ship the app');
    assert.equal(s['context'], 'New context.');
    assert.deepEqual(s['roots'], [GOAL_ID]);
    // The root's new children reach the journal too, as a snapshot of the root.
    const rootEntry = r.entries.find((x) => x.kind === 'status' && x.task === GOAL_ID);
    assert.deepEqual((rootEntry?.data?.['task'] as TaskState | undefined)?.children, ['build-the-app', 'test-the-app', 'publish']);
    assert.equal(s['taskFileHash'], 'h-edit');
    assert.equal(s['goalOnly'], false);
    assert.equal(s['doneAt'], null);
    // Everything it says agrees with the state returned.
    for (const k of ['goal', 'context', 'roots', 'taskFileHash', 'goalOnly', 'doneAt'] as const) assert.deepEqual(s[k], r.state[k], k);
  });

  it('passes the parser’s warnings on', () => {
    const r = apply(first(), BASE.replace('  - run: make docs', '  - run: make docs\n  - colour: blue'));
    assert.ok((taskfileEntry(r).data['warnings'] as string[]).length > 0);
    assert.deepEqual(t(r.state, 'write-the-docs').extra, { colour: 'blue' });
  });

  it('carries the doneAt it kept when nothing relevant changed', () => {
    const base = first();
    for (const id of Object.keys(base.tasks)) base.tasks[id] = { ...base.tasks[id]!, status: 'done' };
    const st = { ...base, doneAt: at(30).toISOString() };
    const r = apply(st, BASE.replace('Some context.', 'Other context.'));
    assert.equal(taskfileEntry(r).data.state['doneAt'], at(30).toISOString());
    assert.equal(r.state.doneAt, at(30).toISOString());
  });

  it('drops a doneAt that no longer holds (a live task is not done)', () => {
    const st = { ...first(), doneAt: at(30).toISOString() };
    const r = apply(st, BASE.replace('Some context.', 'Other context.'));
    assert.equal(r.state.doneAt, null);
  });

  it('every status entry carries a full snapshot equal to the task in the new state', () => {
    const st = withTask(withTask(first(), 'build-the-app', { status: 'failed' }), 'test-the-app', { status: 'running' });
    const r = apply(st, BASE.replace('run: make\n', 'run: make -j4\n').replace(md('- [ ] Test the app', '  - run: make test', '  - verify: make check'), ''));
    assert.ok(statusEntries(r).length >= 2);
    for (const x of statusEntries(r)) assert.deepEqual(x.data!['task'], r.state.tasks[x.task!]);
  });
});

function makeRunning(n: number) {
  return { ...exited(n), endedAt: null, outcome: null, exitCode: null };
}

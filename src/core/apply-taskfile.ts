// Merges a freshly parsed task file into the run state without losing any task's history:
// reworded or reordered items keep their task (see taskfile/reconcile), removed items are archived
// (and their workers stopped by the caller), re-added items come back with their history.
//
// The tree's root is the goal itself (core/tree.ts): no edit archives it. Only the tasks that came
// from task.md take part in reconciliation; the planner's and aura's own tasks stay where they hang,
// with their workers and retries, unless the task.md item they hang under is removed (then they are
// archived with it and the journal says why).
// Pure: returns the new state, the journal entries that explain it, and the workers to stop.
import type { RunState, TaskState } from '../store/schema.js';
import { STATE_SCHEMA_VERSION } from '../store/schema.js';
import type { TaskFileSpec, TaskSpec } from '../taskfile/spec.js';
import { applyMapping, reconcile } from '../taskfile/reconcile.js';
import { normaliseTree } from './goal-root.js';
import type { JournalDraft } from './transitions.js';
import { freshTask, transition } from './transitions.js';
import { applyRenames } from './taskfile-renames.js';
import { detachArchived, reopenGroups } from './tree-repair.js';
import { descendants, GOAL_ID, goalDone } from './tree.js';

export interface TaskFileMeta {
  taskFile: string;
  hash: string;
  now: Date;
  runId: string;
}

export interface ApplyResult {
  state: RunState;
  entries: JournalDraft[];
  /** Running tasks whose worker must be stopped, with why. */
  stop: Array<{ task: string; reason: string }>;
  /** Tasks whose id changed because their explicit `id:` did. */
  renamed: Array<{ from: string; to: string }>;
  /** Renames that wait until the task's worker or evidence check ends (apply the file again then). */
  deferred: Array<{ from: string; to: string }>;
  changed: boolean;
}

function specFields(s: TaskSpec, parent: string, order: number) {
  return {
    title: s.title,
    parent,
    children: s.children.map((c) => c.id),
    run: s.run,
    produces: s.produces,
    verify: s.verify,
    needs: s.needs,
    budgetMs: s.budgetMs,
    worker: s.worker,
    extra: s.extra,
    notes: s.notes,
    userChecked: s.checked,
    line: s.line,
    order,
  };
}

/** Whether what "done" means for this task changed: the command, the artifacts or the verify step. */
function contractChanged(old: TaskState, s: TaskSpec): boolean {
  return (
    (old.run ?? '') !== (s.run ?? '') ||
    (old.verify ?? '') !== (s.verify ?? '') ||
    old.produces.join('\n') !== s.produces.join('\n') ||
    (old.worker ?? '') !== (s.worker ?? '')
  );
}

function newTask(s: TaskSpec, parent: string, order: number, now: Date): TaskState {
  return freshTask({ id: s.id, origin: 'taskfile', ...specFields(s, parent, order) }, 'new in task.md', now);
}

export function emptyState(meta: TaskFileMeta, spec: TaskFileSpec): RunState {
  const iso = meta.now.toISOString();
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    runId: meta.runId,
    taskFile: meta.taskFile,
    goal: spec.goal,
    context: spec.context,
    goalOnly: spec.goalOnly,
    taskFileHash: '',
    createdAt: iso,
    updatedAt: iso,
    cycle: 0,
    journalSeq: 0,
    journalBytes: 0,
    roots: [],
    tasks: {},
    doneAt: null,
    pause: null,
    planner: null,
    taskFileWarnings: [],
  };
}

export function applyTaskFile(prev: RunState | null, parsed: TaskFileSpec, meta: TaskFileMeta): ApplyResult {
  const { now } = meta;
  const norm = normaliseTree(prev ?? emptyState(meta, parsed), parsed.goal, now);
  const base = norm.state;
  const entries: JournalDraft[] = [...norm.entries];
  const stop: ApplyResult['stop'] = [];

  // Only task.md's own tasks are matched; reconcile sees the top level as "no parent".
  const fromFile = Object.values(base.tasks)
    .filter((t) => t.status !== 'archived' && t.origin === 'taskfile' && t.id !== GOAL_ID)
    .map((t) => (t.parent === GOAL_ID ? { ...t, parent: null } : t));
  const rec = reconcile(fromFile, parsed, { reserved: [GOAL_ID] });
  // An explicit id the person changed (A → A2) renames the task, history and all (core/taskfile-renames).
  const { tasks: renamedTasks, renamed, deferred } = applyRenames({ ...base.tasks }, parsed, rec.mapping, entries);
  const tasks: Record<string, TaskState> = renamedTasks;
  const spec = applyMapping(parsed, rec.mapping);

  // The planner's and aura's children stay under their parent, after task.md's own, in their order.
  const before = tasks;
  const keptUnder = (parent: string): string[] =>
    (before[parent]?.children ?? []).filter((c) => {
      const k = before[c];
      return k !== undefined && k.origin !== 'taskfile' && k.status !== 'archived';
    });

  const added: string[] = [];
  const changed: string[] = [];
  const inFile = new Set<string>();
  const put = (t: TaskState, to: TaskState['status'], reason: string, patch: Partial<TaskState> = {}) => {
    const r = transition(t, to, reason, now, patch);
    tasks[t.id] = r.task;
    entries.push(r.entry);
  };

  const visit = (s: TaskSpec, parent: string, order: number): void => {
    inFile.add(s.id);
    const old = tasks[s.id];
    const fields = specFields(s, parent, order);
    fields.children = [...fields.children, ...keptUnder(s.id)];
    if (!old) {
      const t = newTask(s, parent, order, now);
      added.push(s.id);
      tasks[t.id] = t;
      if (s.checked) put(t, 'done', 'ticked in task.md by the user');
      else entries.push({ kind: 'status', task: t.id, to: 'pending', msg: 'new in task.md', data: { task: t } });
    } else {
      // A tick made while the task's worker ran stays void until the item is unticked.
      const updated: TaskState = { ...old, ...fields, voidTick: s.checked && old.voidTick };
      const contract = contractChanged(old, s);
      if (contract) changed.push(s.id);
      tasks[s.id] = updated;
      const busy = old.status === 'running' || old.status === 'verifying';
      if (old.status === 'archived') {
        added.push(s.id);
        put(updated, s.checked ? 'done' : 'pending', s.checked ? 'back in task.md, ticked by the user' : 'back in task.md', {
          attemptBase: updated.attempts.length,
          notBefore: null,
        });
      } else if (s.checked && old.status !== 'done' && !old.voidTick && busy) {
        // Anyone who can write task.md can tick it, an agent worker in the project root included: a
        // tick cannot end a task whose worker is running or being judged. Its evidence decides.
        const voided: TaskState = { ...updated, voidTick: true };
        tasks[s.id] = voided;
        entries.push({ kind: 'warning', task: s.id, msg: `${s.id} was ticked in task.md while its ${old.status === 'running' ? 'worker ran' : 'evidence was checked'}: a tick cannot end a running task, its evidence decides; untick and tick it again afterwards to mark it done yourself`, data: { task: voided } });
      } else if (s.checked && old.status !== 'done' && !old.voidTick) {
        put(updated, 'done', 'ticked in task.md by the user', { notBefore: null });
      } else if (!s.checked && old.userChecked && !old.voidTick && old.status === 'done') {
        put(updated, 'pending', 'unticked in task.md', { attemptBase: updated.attempts.length, notBefore: null });
      } else if (contract && !s.checked && ['failed', 'blocked', 'done'].includes(old.status)) {
        put(updated, 'pending', `changed in task.md (run/produces/verify/worker); ${old.status === 'done' ? 'running again' : 'attempts reset'}`, {
          attemptBase: updated.attempts.length,
          notBefore: null,
        });
      } else if (contract && old.status === 'pending' && old.notBefore) {
        put(updated, 'pending', 'changed in task.md; retrying now with the new settings', { attemptBase: updated.attempts.length, notBefore: null });
      }
    }
    s.children.forEach((c, i) => visit(c, s.id, i));
  };
  spec.tasks.forEach((s, i) => visit(s, GOAL_ID, i));

  // The root: the goal heading is its title; task.md's top-level items, then what the planner added.
  const root = tasks[GOAL_ID] as TaskState;
  tasks[GOAL_ID] = { ...root, title: parsed.goal, children: [...spec.tasks.map((s) => s.id), ...keptUnder(GOAL_ID)] };

  const archive = (id: string, reason: string): void => {
    const t = tasks[id];
    if (!t || t.status === 'archived') return;
    if (t.status === 'running' || t.status === 'verifying') stop.push({ task: id, reason });
    put(t, 'archived', `${reason}; history kept`, { notBefore: null });
  };
  for (const id of rec.removed) archive(id, 'removed from task.md');
  // What the planner or aura hung under a removed item goes with it (a task.md child still in the file stays).
  for (const id of rec.removed) {
    for (const d of descendants({ ...base, tasks: before }, id)) if (!inFile.has(d.id)) archive(d.id, `removed with ${id} (removed from task.md)`);
  }
  detachArchived(tasks);
  reopenGroups(tasks, put);
  // The root's shape is what keeps every task reachable: its snapshot goes into the journal whenever it changes.
  const rootNow = tasks[GOAL_ID] as TaskState;
  const rootBefore = prev?.tasks[GOAL_ID];
  const lastRoot = entries.findLast((e) => e.task === GOAL_ID && e.data?.['task'] !== undefined)?.data?.['task'];
  if (lastRoot !== rootNow && (rootBefore === undefined || rootBefore.title !== rootNow.title || rootBefore.children.join('\n') !== rootNow.children.join('\n'))) {
    entries.push({ kind: 'status', task: GOAL_ID, from: rootNow.status, to: rootNow.status, msg: rootBefore ? 'the goal and its top-level tasks changed' : 'the goal: the root of the task tree', data: { task: rootNow } });
  }

  const state: RunState = {
    ...base,
    taskFile: meta.taskFile,
    goal: parsed.goal,
    context: parsed.context,
    goalOnly: parsed.goalOnly,
    taskFileHash: meta.hash,
    roots: [GOAL_ID],
    tasks,
    updatedAt: now.toISOString(),
    doneAt: null,
    taskFileWarnings: [...parsed.warnings],
  };
  // The goal stays done only while every live task still is (an edit can add, revive or reopen one).
  state.doneAt = goalDone(state) ? base.doneAt : null;
  const firstRead = prev === null;
  const summary = firstRead
    ? `read task file: goal "${parsed.goal}", ${Object.keys(tasks).length - 1} task(s)`
    : `task file changed: ${[
        added.length && `added ${added.join(', ')}`,
        rec.removed.length && `removed ${rec.removed.join(', ')}`,
        rec.renamed.length && `reworded ${rec.renamed.map((r) => r.id).join(', ')}`,
        changed.length && `changed ${changed.join(', ')}`,
        renamed.length && `id ${renamed.map((r) => `${r.from} → ${r.to}`).join(', ')}`,
      ]
        .filter(Boolean)
        .join('; ') || 'no task changes (context or wording only)'}`;
  entries.unshift({
    kind: 'taskfile',
    msg: summary,
    data: {
      hash: meta.hash,
      added,
      removed: rec.removed,
      renamed: rec.renamed,
      changed,
      warnings: parsed.warnings,
      state: {
        runId: state.runId,
        taskFile: meta.taskFile,
        goal: parsed.goal,
        context: parsed.context,
        roots: state.roots,
        taskFileHash: meta.hash,
        goalOnly: parsed.goalOnly,
        doneAt: state.doneAt,
        taskFileWarnings: state.taskFileWarnings,
      },
    },
  });
  const warningsChanged = (prev?.taskFileWarnings ?? []).join('\n') !== state.taskFileWarnings.join('\n');
  return {
    state,
    entries,
    stop,
    renamed,
    deferred,
    changed: firstRead || entries.length > 1 || prev?.taskFileHash !== meta.hash || warningsChanged,
  };
}

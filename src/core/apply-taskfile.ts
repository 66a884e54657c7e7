// Merges a freshly parsed task file into the run state without losing any task's history:
// reworded or reordered items keep their task (see taskfile/reconcile), removed items are archived
// (and their workers stopped by the caller), re-added items come back with their history.
// Pure: returns the new state, the journal entries that explain it, and the workers to stop.
import type { RunState, TaskState } from '../store/schema.js';
import { STATE_SCHEMA_VERSION } from '../store/schema.js';
import type { TaskFileSpec, TaskSpec } from '../taskfile/spec.js';
import { applyMapping, reconcile } from '../taskfile/reconcile.js';
import type { JournalDraft } from './transitions.js';
import { freshTask, transition } from './transitions.js';
import { allDone, isGenerated } from './tree.js';

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
  changed: boolean;
}

function specFields(s: TaskSpec, parent: string | null, order: number) {
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

function newTask(s: TaskSpec, parent: string | null, order: number, now: Date): TaskState {
  return freshTask({ id: s.id, ...specFields(s, parent, order) }, 'new in task.md', now);
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
    roots: [],
    tasks: {},
    doneAt: null,
    pause: null,
    planner: null,
  };
}

export function applyTaskFile(prev: RunState | null, parsed: TaskFileSpec, meta: TaskFileMeta): ApplyResult {
  const base = prev ?? emptyState(meta, parsed);
  const { now } = meta;
  const entries: JournalDraft[] = [];
  const stop: ApplyResult['stop'] = [];
  const tasks: Record<string, TaskState> = { ...base.tasks };

  // Tasks aura generated (resource-fix subtasks) are not in task.md: never matched, never removed.
  const live = Object.values(base.tasks).filter((t) => t.status !== 'archived' && !isGenerated(t));
  const generatedUnder = (parent: string) =>
    Object.values(base.tasks)
      .filter((t) => t.parent === parent && isGenerated(t))
      .map((t) => t.id);
  const rec = reconcile(live, parsed);
  const spec = applyMapping(parsed, rec.mapping);

  const added: string[] = [];
  const changed: string[] = [];
  const put = (t: TaskState, to: TaskState['status'], reason: string, patch: Partial<TaskState> = {}) => {
    const r = transition(t, to, reason, now, patch);
    tasks[t.id] = r.task;
    entries.push(r.entry);
  };

  const visit = (s: TaskSpec, parent: string | null, order: number): void => {
    const old = tasks[s.id];
    const fields = specFields(s, parent, order);
    fields.children = [...fields.children, ...generatedUnder(s.id)];
    if (!old) {
      const t = newTask(s, parent, order, now);
      added.push(s.id);
      if (s.checked) {
        tasks[t.id] = t;
        put(t, 'done', 'ticked in task.md by the user');
      } else {
        tasks[t.id] = t;
        entries.push({ kind: 'status', task: t.id, to: 'pending', msg: 'new in task.md', data: { task: t } });
      }
    } else {
      const updated: TaskState = { ...old, ...fields };
      const contract = contractChanged(old, s);
      if (contract) changed.push(s.id);
      tasks[s.id] = updated;
      if (old.status === 'archived') {
        added.push(s.id);
        put(updated, s.checked ? 'done' : 'pending', s.checked ? 'back in task.md, ticked by the user' : 'back in task.md', {
          attemptBase: updated.attempts.length,
          notBefore: null,
        });
      } else if (s.checked && old.status !== 'done') {
        if (old.status === 'running' || old.status === 'verifying') stop.push({ task: s.id, reason: 'ticked in task.md by the user' });
        put(updated, 'done', 'ticked in task.md by the user', { notBefore: null });
      } else if (!s.checked && old.userChecked && old.status === 'done') {
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
  spec.tasks.forEach((s, i) => visit(s, null, i));

  for (const id of rec.removed) {
    const t = tasks[id];
    if (!t || t.status === 'archived') continue;
    if (t.status === 'running' || t.status === 'verifying') stop.push({ task: id, reason: 'removed from task.md' });
    put(t, 'archived', 'removed from task.md; history kept', { notBefore: null });
  }

  const roots = spec.tasks.map((s) => s.id);
  const state: RunState = {
    ...base,
    taskFile: meta.taskFile,
    goal: parsed.goal,
    context: parsed.context,
    goalOnly: parsed.goalOnly,
    taskFileHash: meta.hash,
    roots,
    tasks,
    updatedAt: now.toISOString(),
    doneAt: null,
  };
  // The goal stays done only while every live task still is (an edit can add, revive or reopen one).
  state.doneAt = allDone(state) ? base.doneAt : null;
  const firstRead = prev === null;
  const summary = firstRead
    ? `read task file: goal "${parsed.goal}", ${Object.keys(tasks).length} task(s)`
    : `task file changed: ${[
        added.length && `added ${added.join(', ')}`,
        rec.removed.length && `removed ${rec.removed.join(', ')}`,
        rec.renamed.length && `reworded ${rec.renamed.map((r) => r.id).join(', ')}`,
        changed.length && `changed ${changed.join(', ')}`,
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
      state: { runId: state.runId, taskFile: meta.taskFile, goal: parsed.goal, context: parsed.context, roots, taskFileHash: meta.hash, goalOnly: parsed.goalOnly, doneAt: state.doneAt },
    },
  });
  return { state, entries, stop, changed: firstRead || entries.length > 1 || prev?.taskFileHash !== meta.hash };
}

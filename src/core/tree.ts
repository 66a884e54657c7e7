// Read-only questions about the task tree. Pure.
import type { RunState, TaskState, TaskStatus } from '../store/schema.js';

export function task(state: RunState, id: string): TaskState {
  const t = state.tasks[id];
  if (!t) throw new Error(`unknown task id ${id}`);
  return t;
}

export function isLeaf(t: TaskState): boolean {
  return t.children.length === 0;
}

/** Tasks in file order (depth first), archived ones excluded. */
export function liveTasks(state: RunState): TaskState[] {
  const out: TaskState[] = [];
  const visit = (id: string): void => {
    const t = state.tasks[id];
    if (!t || t.status === 'archived') return;
    out.push(t);
    for (const c of t.children) visit(c);
  };
  for (const r of state.roots) visit(r);
  return out;
}

export function ancestors(state: RunState, t: TaskState): TaskState[] {
  const out: TaskState[] = [];
  let p = t.parent ? state.tasks[t.parent] : undefined;
  while (p) {
    out.push(p);
    p = p.parent ? state.tasks[p.parent] : undefined;
  }
  return out;
}

export type DepsVerdict =
  | { kind: 'ready' }
  | { kind: 'waiting'; on: string[] }
  | { kind: 'broken'; on: string; status: TaskStatus };

/**
 * A task may start when its own `needs` and every ancestor's `needs` are done: a parent's
 * dependencies gate its whole subtree.
 */
export function depsVerdict(state: RunState, t: TaskState): DepsVerdict {
  const waiting: string[] = [];
  for (const holder of [t, ...ancestors(state, t)]) {
    for (const dep of holder.needs) {
      const d = state.tasks[dep];
      if (!d || d.status === 'archived' || d.status === 'done') continue;
      if (d.status === 'failed' || d.status === 'blocked') return { kind: 'broken', on: dep, status: d.status };
      waiting.push(dep);
    }
  }
  return waiting.length ? { kind: 'waiting', on: waiting } : { kind: 'ready' };
}

/**
 * Attempts that count toward the limit: the user's edits reset the count (attemptBase), and an
 * attempt lost while aura itself was down is aura's fault, not the task's.
 */
export function countedAttempts(t: TaskState): number {
  return t.attempts
    .slice(t.attemptBase)
    .filter((a) => a.outcome !== 'lost' && a.stopReason !== SHUTDOWN_REASON && a.stopReason !== BUDGET_STOP_REASON && a.classification?.kind !== 'rate_limited').length;
}

/** The stop reason of workers interrupted because aura itself was stopped. */
export const SHUTDOWN_REASON = 'aura stopped';
/** The stop reason of workers stopped because the run budget was reached (AURA_RUN_BUDGET_ACTION=stop). */
export const BUDGET_STOP_REASON = 'run budget reached';

export function currentAttempt(t: TaskState) {
  return t.attempts[t.attempts.length - 1];
}

export function runningTasks(state: RunState): TaskState[] {
  return Object.values(state.tasks).filter((t) => t.status === 'running' || t.status === 'verifying');
}

export function allDone(state: RunState): boolean {
  const live = liveTasks(state);
  return live.length > 0 && live.every((t) => t.status === 'done');
}

/** Stop reasons of workers the resource watchdog stopped start with this. */
export const WATCHDOG_PREFIX = 'watchdog';

/** Watchdog kills of this task since the user last changed it (escalation counts these). */
export function watchdogKills(t: TaskState): number {
  return t.attempts.slice(t.attemptBase).filter((a) => a.stopReason?.startsWith(WATCHDOG_PREFIX)).length;
}

/** Tasks aura itself created (the watchdog's resource-fix subtasks): not in task.md, never reconciled away. */
export function isGenerated(t: Pick<TaskState, 'extra'>): boolean {
  return t.extra.origin === 'aura';
}

// Read-only questions about the task tree. Pure.
//
// The tree has one root, the goal itself (id GOAL_ID): task.md's items hang under it, and so does
// whatever the planner adds at the top. A goal-only task file makes the root a leaf (the goal is the
// one task); a checklist makes it a group. Nothing archives the root, so nothing live is ever cut off.
import type { RunState, TaskState, TaskStatus } from '../store/schema.js';

/** The root task's id: the goal. Reserved in task files (an item cannot be called `goal`). */
export const GOAL_ID = 'goal';

export function task(state: RunState, id: string): TaskState {
  const t = state.tasks[id];
  if (!t) throw new Error(`unknown task id ${id}`);
  return t;
}

export function isLeaf(t: TaskState): boolean {
  return t.children.length === 0;
}

/** The root (the goal), or undefined in a state written before the goal was a task. */
export function goalTask(state: RunState): TaskState | undefined {
  return state.tasks[GOAL_ID];
}

/** Tasks reachable from the root in file order (depth first, root first), archived ones excluded. */
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

/**
 * The one definition of "the goal is done": every live task in the whole tree is done, the root and
 * the planner's and aura's own tasks included. The rules, the proposal judge, the skip gate,
 * progress.md, `aura status` and the exit path all ask this.
 */
export function goalDone(state: RunState): boolean {
  const live = liveTasks(state);
  return live.length > 0 && live.every((t) => t.status === 'done');
}

/**
 * The tasks a person counts: every live task except the root when it is a group (its line is the
 * goal). A goal-only run's root is its one task and counts.
 */
export function countedTasks(state: RunState): TaskState[] {
  const live = liveTasks(state);
  const root = goalTask(state);
  return root && live[0] === root && hasLiveChildren(state, root) ? live.slice(1) : live;
}

/** The ids shown at the top of a listing: the root's children, or the root itself while it is a leaf. */
export function topLevelIds(state: RunState): string[] {
  const root = goalTask(state);
  if (!root) return state.roots;
  return hasLiveChildren(state, root) ? root.children : [root.id];
}

export function hasLiveChildren(state: RunState, t: TaskState): boolean {
  return t.children.some((c) => {
    const k = state.tasks[c];
    return k !== undefined && k.status !== 'archived';
  });
}

/**
 * What a task is doing as a person (or the model) would say it: a pending group whose subtree has a
 * worker running (or being verified) is running; otherwise its own status.
 */
export function effectiveStatus(state: RunState, t: TaskState): TaskStatus {
  if (t.status !== 'pending' || t.children.length === 0) return t.status;
  const busy = (id: string, depth: number): boolean => {
    const k = state.tasks[id];
    if (!k || k.status === 'archived' || depth > 64) return false;
    if (k.status === 'running' || k.status === 'verifying') return true;
    return k.children.some((c) => busy(c, depth + 1));
  };
  return t.children.some((c) => busy(c, 1)) ? 'running' : t.status;
}

/** Live (not archived) tasks the root does not reach: must always be empty. */
export function unreachableTasks(state: RunState): string[] {
  const reached = new Set(liveTasks(state).map((t) => t.id));
  return Object.values(state.tasks)
    .filter((t) => t.status !== 'archived' && !reached.has(t.id))
    .map((t) => t.id);
}

/** Every task under `id` (not `id` itself), archived ones included, depth first. */
export function descendants(state: RunState, id: string): TaskState[] {
  const out: TaskState[] = [];
  const seen = new Set<string>([id]);
  const visit = (tid: string): void => {
    for (const c of state.tasks[tid]?.children ?? []) {
      const k = state.tasks[c];
      if (!k || seen.has(c)) continue;
      seen.add(c);
      out.push(k);
      visit(c);
    }
  };
  visit(id);
  return out;
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

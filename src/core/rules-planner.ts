// The rules planner: the deterministic default when no API key is set. It proposes; the caller
// applies. It never marks a leaf done: only the evidence gate does that.
//
// Each cycle, in file order:
//   - a pending leaf whose dependencies are done, whose retry time has come and for which a worker
//     exists is started, up to the concurrency limit;
//   - a pending task whose dependency failed or is blocked becomes blocked (and back to pending when
//     the dependency recovers, e.g. after the user edits task.md);
//   - a group (a task with subtasks) is checked by aura itself once every subtask is done, blocked
//     when a subtask failed; a group with its own run: is started like a leaf after its subtasks.
//
// evaluateTask() is the rule for one task; planRules() applies it to the whole tree. The daemon
// keeps a PlanIndex (plan-index.ts) that applies the same rule only to the tasks a change can have
// affected, so a cycle costs the same at 20 tasks and at 20,000.
import type { RunState, TaskState } from '../store/schema.js';
import type { ChildrenVerdict } from './child-tally.js';
import { depsVerdict, isLeaf, liveTasks, runningTasks } from './tree.js';

export type Action =
  | { type: 'spawn'; task: string; reason: string }
  | { type: 'check_group'; task: string; reason: string }
  | { type: 'block'; task: string; reason: string; cause: 'deps' | 'subtask' | 'worker' }
  | { type: 'unblock'; task: string; reason: string };

export interface PlanContext {
  now: Date;
  maxConcurrent: number;
  /** null when a worker can run this task; otherwise why not (e.g. the agent backend is missing). */
  workerProblem: (t: TaskState) => string | null;
  /**
   * Leave a task no worker can run as it is instead of blocking it: while the LLM plans, it may
   * decompose such a task or give it a run: (a goal with no checklist is one), and hears why when it
   * tries to start it.
   */
  leaveUnrunnable?: boolean;
  /** How a group's subtasks stand; childrenVerdict (a scan) unless the caller keeps a tally. */
  childrenOf?: (t: TaskState) => ChildrenVerdict;
}

export interface Plan {
  actions: Action[];
  /** Earliest future time something becomes due (a retry), so the daemon can wake for it. */
  nextDueAt: Date | null;
}

/** What the rules make of one task right now (slots aside). */
export type Evaluation =
  | { kind: 'idle' } // nothing to do: not pending/blocked, waiting for dependencies or subtasks, or left for the model
  | { kind: 'action'; action: Exclude<Action, { type: 'spawn' }> }
  | { kind: 'due'; at: Date } // backing off until then
  | { kind: 'spawnable'; reason: string };

/** How a group's subtasks stand, from a scan of them. */
export function childrenVerdict(state: RunState, t: TaskState): ChildrenVerdict {
  const kids = t.children.map((c) => state.tasks[c]).filter((k): k is TaskState => !!k && k.status !== 'archived');
  return {
    allDone: kids.every((k) => k.status === 'done'),
    failed: kids.find((k) => k.status === 'failed' || k.status === 'blocked'),
  };
}

export function evaluateTask(state: RunState, t: TaskState, ctx: Omit<PlanContext, 'maxConcurrent'>): Evaluation {
  if (t.status !== 'pending' && t.status !== 'blocked') return { kind: 'idle' };
  const deps = depsVerdict(state, t);
  if (deps.kind === 'broken') {
    return t.status === 'pending'
      ? { kind: 'action', action: { type: 'block', task: t.id, reason: `needs ${deps.on}, which is ${deps.status}`, cause: 'deps' } }
      : { kind: 'idle' };
  }
  const kids = isLeaf(t) ? null : ctx.childrenOf ? ctx.childrenOf(t) : childrenVerdict(state, t);
  if (kids?.failed) {
    return t.status === 'pending'
      ? { kind: 'action', action: { type: 'block', task: t.id, reason: `subtask ${kids.failed.id} is ${kids.failed.status}`, cause: 'subtask' } }
      : { kind: 'idle' };
  }
  const problem = isLeaf(t) || t.run ? ctx.workerProblem(t) : null;
  if (t.status === 'blocked') {
    // Blocked only stays blocked while its cause does; the cause may have been fixed by an edit.
    // A task the watchdog blocked waits for its resource-fix subtask instead.
    // Credentials refused (auth) wait for a person: an edit or a restart. A block the model chose
    // (planner) is the model's, or a person's, to lift. A verified branch that conflicted twice (merge)
    // waits for a person to merge it by hand or retry the task: running it again by itself would loop.
    if (t.blockedBy === 'watchdog') {
      return kids?.allDone ? { kind: 'action', action: { type: 'unblock', task: t.id, reason: 'its resource-fix subtask is done; trying again' } } : { kind: 'idle' };
    }
    if (t.blockedBy !== 'auth' && t.blockedBy !== 'planner' && t.blockedBy !== 'merge' && !problem) return { kind: 'action', action: { type: 'unblock', task: t.id, reason: 'the cause of the block is gone' } };
    return { kind: 'idle' };
  }
  if (deps.kind === 'waiting') return { kind: 'idle' };
  if (kids && !kids.allDone) return { kind: 'idle' };
  if (problem) return ctx.leaveUnrunnable ? { kind: 'idle' } : { kind: 'action', action: { type: 'block', task: t.id, reason: problem, cause: 'worker' } };
  if (kids && !t.run) return { kind: 'action', action: { type: 'check_group', task: t.id, reason: 'all subtasks done' } };
  if (t.notBefore && new Date(t.notBefore) > ctx.now) return { kind: 'due', at: new Date(t.notBefore) };
  return { kind: 'spawnable', reason: t.attempts.length ? `retry: attempt ${t.attempts.length + 1}` : 'dependencies done; starting' };
}

/** The whole tree, every task evaluated in file order. */
export function planRules(state: RunState, ctx: PlanContext): Plan {
  const actions: Action[] = [];
  let slots = ctx.maxConcurrent - runningTasks(state).length;
  let nextDueAt: Date | null = null;
  for (const t of liveTasks(state)) {
    const e = evaluateTask(state, t, ctx);
    if (e.kind === 'action') actions.push(e.action);
    else if (e.kind === 'due') {
      if (!nextDueAt || e.at < nextDueAt) nextDueAt = e.at;
    } else if (e.kind === 'spawnable' && slots > 0) {
      slots -= 1;
      actions.push({ type: 'spawn', task: t.id, reason: e.reason });
    }
  }
  return { actions, nextDueAt };
}

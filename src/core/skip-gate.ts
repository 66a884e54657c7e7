// The skip gate: whether this cycle needs the model at all. Pure. An idle wake costs no tokens; a
// cycle with work that could start, or with something new to judge, always asks.
import type { PlannerState } from '../store/schema.js';

export interface SkipInputs {
  /** The model has never been asked in this run. */
  firstCall: boolean;
  /** Every task is done (or archived): nothing is left to decide. */
  goalDone: boolean;
  /** Spending is paused (a run budget was reached): the orchestrator spends nothing either. */
  budgetPaused: boolean;
  /** Journal-worthy changes since the last model call (status changes, exits, evidence, stalls, watchdog). */
  changes: number;
  /** task.md changed since the last model call. */
  taskFileChanged: boolean;
  /** A wake from a person with a reason (`aura wake --reason …`). */
  userReason: string | null;
  /** Leaf tasks that could start now (dependencies done, slot free, worker available). */
  startable: number;
  /** The model asked to be woken at a time that has come (no_op's wake_after_seconds). */
  hintDue: boolean;
  /** A deep-reflection review is due. */
  reviewDue: boolean;
  /** The last call failed and its retry time has come (what it was to decide is still undecided). */
  retryDue: boolean;
}

export type SkipVerdict = { call: true; why: string } | { call: false; why: string };

export function skipGate(i: SkipInputs): SkipVerdict {
  if (i.budgetPaused) return { call: false, why: 'the run budget is reached: the orchestrator spends nothing more' };
  if (i.goalDone && !i.taskFileChanged) return { call: false, why: 'the goal is done' };
  if (i.firstCall) return { call: true, why: 'first cycle with the model' };
  if (i.taskFileChanged) return { call: true, why: 'task.md changed' };
  if (i.userReason) return { call: true, why: `woken by a person: ${i.userReason}` };
  if (i.changes > 0) return { call: true, why: `${i.changes} change(s) since the last call` };
  if (i.startable > 0) return { call: true, why: `${i.startable} task(s) could start` };
  if (i.hintDue) return { call: true, why: 'the model asked to be woken now' };
  if (i.reviewDue) return { call: true, why: 'a review is due' };
  if (i.retryDue) return { call: true, why: 'trying again after a failed call' };
  return { call: false, why: 'nothing changed since the last call' };
}

/** Ready work the model declined: asked again after 5 s, then 10, 20 … up to the heartbeat (at most 5 min). */
export function declineBackoffSeconds(declines: number, heartbeatS: number): number {
  return Math.min(5 * 2 ** Math.max(0, declines - 1), Math.max(5, Math.min(300, heartbeatS)));
}

/** Until when a decline holds ready work back from calling the model, or null. */
export function declineBlocks(p: Pick<PlannerState, 'declinedUntil'>, now: Date): Date | null {
  if (!p.declinedUntil) return null;
  const until = new Date(p.declinedUntil);
  return until > now ? until : null;
}


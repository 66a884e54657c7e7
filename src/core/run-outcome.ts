// After a cycle decided and applied: is the run done, stuck, or still working? Pure.
//   done     every live task is verified (the goal done)
//   stuck    nothing runs, nothing is in flight, nothing could start or is due: only a person can
//            move it on (tasks failed or blocked). A pause holds a run only while it holds back work
//            that could start; with every task final, a paused run is over too.
//   working  anything else
import type { RunState } from '../store/schema.js';
import { GOAL_ID, liveTasks } from './tree.js';

export interface RunFacts {
  goalDone: boolean;
  /** Workers, evidence checks, and exits or evidence not yet taken. */
  busy: number;
  /** Tasks started this cycle (or the model changed the tree). */
  started: number;
  /** Something is due later (a retry, the model's wake hint). */
  due: boolean;
  /** Tasks the rules would start now. */
  startable: number;
  /** Bookkeeping still pending (an unblock, a group check in flight). */
  bookkeeping: boolean;
  /** Tasks running or verifying by their status. */
  running: number;
  paused: boolean;
  /** The LLM planner decides what starts (it may start what the rules would, next wake). */
  modelPlans: boolean;
}

export type RunOutcome = 'working' | 'done' | 'stuck';

/** What one cycle tells the daemon's loop. */
export interface CycleResult {
  outcome: RunOutcome;
  stuckReason?: string;
  nextDueAt: Date | null;
  /** Workers and evidence checks still in flight. */
  busy: number;
}

export function runOutcome(f: RunFacts): RunOutcome {
  if (f.goalDone) return 'done';
  const quiet = f.busy === 0 && f.started === 0 && !f.due && !f.bookkeeping && f.running === 0;
  if (!quiet) return 'working';
  if (f.modelPlans && f.startable > 0) return 'working';
  if (f.paused && f.startable > 0) return 'working';
  return 'stuck';
}

/** What a stuck run says: the tasks that hold it, and why each does. */
export function stuckReason(state: RunState): string {
  const bad = liveTasks(state).filter((t) => (t.status === 'failed' || t.status === 'blocked') && t.id !== GOAL_ID);
  return bad.length ? `nothing more can run: ${bad.map((t) => `${t.id} is ${t.status} (${t.reason})`).join('; ')}` : 'nothing more can run';
}

// What the LLM planner needs from the cycle that owns the run state, and what it answers: the one
// interface between the daemon and the planner (the planner's modules load only when it runs).
import type { JournalDraft } from '../core/transitions.js';
import type { WorkerDigest } from '../planner/context.js';
import type { RunState, TaskState } from '../store/schema.js';

/** What the planner needs from the cycle that owns the run state. */
export interface PlannerCycle {
  state(): RunState;
  put(t: TaskState, to: TaskState['status'], reason: string, patch?: Partial<TaskState>): TaskState;
  /** A new or changed task, without a status change (the plan index must see every change). */
  setTask(t: TaskState): void;
  journal(d: JournalDraft): void;
  spawn(t: TaskState): Promise<void>;
  stop(task: string, reason: string): void;
  workerProblem(t: TaskState): string | null;
  /** Why nothing new may start now, or null. */
  holdReason(): string | null;
  workers(): Promise<WorkerDigest[]>;
  log(line: string): void;
  note(msg: string): void;
  safeModeEvent(entered: boolean, reason: string): void;
}

export interface DecideInput {
  reasons: string[];
  /** Changes since the last model call, one line each (status moves, exits, evidence, stalls). */
  changes: string[];
  taskFileDiff: string | null;
  /** Leaves the rules planner would start now. */
  startable: number;
}

export interface Decision {
  /** model: the model decided; rules: safe mode (the rules planner starts work); skipped: no call needed. */
  mode: 'model' | 'rules' | 'skipped';
  why: string;
  /** Earliest time the planner wants a wake (a hint, a probe, a retry after a failure). */
  nextDueAt: Date | null;
  /** The model started work or changed tasks this cycle. */
  acted: boolean;
}

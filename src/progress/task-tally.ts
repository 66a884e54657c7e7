// What each task adds to `aura status`'s figures, kept one change at a time for the status index
// (status-index.ts): tasks by status, attempts, pending retries, verified done tasks, attempts in
// progress, failed and blocked tasks, branches waiting for a person, and the usage reported.
//
// A change is the task as it was taken out and as it is put back, so each figure is exactly what a
// walk over every task (facts.ts) adds up. Usage is the one sum of fractions: it is added up again
// in the task map's order when it changed, so the cost comes out to the same last bit as the walk's
// (floating-point addition depends on the order). Pure data, no I/O.
import { addUsage, emptyTotals, type Totals } from '../core/budget.js';
import type { RunState, TaskState, TaskStatus } from '../store/schema.js';
import { clip } from './format.js';
import { branchForReview } from './git-view.js';
import { retryTime, verifiedDone } from './overall.js';
import { activeAttempt } from './task-view.js';
import { TEXT_MAX } from './types.js';

const hasUsage = (t: TaskState): boolean => t.attempts.some((a) => a.usage);

export class TaskTally {
  /** Tasks by status, archived ones and the goal included. */
  byStatus = new Map<TaskStatus, number>();
  taskCount = 0;
  attempts = 0;
  /** Tasks with an attempt in progress. */
  readonly active = new Set<string>();
  /** Failed and blocked tasks. */
  readonly bad = new Set<string>();
  /** A task's place in the task map (for…in order), the order the walk adds things up in. */
  private ordinal = new Map<string, number>();
  private retry = new Map<string, number>();
  private verified = new Set<string>();
  private branch = new Map<string, string>();
  /** By ordinal: the tasks with reported usage. */
  private withUsage: (TaskState | undefined)[] = [];
  private usageSum: Totals | null = null;

  /** Every task from scratch (a task the map did not have before changes the order: rebuild). */
  rebuild(state: RunState): void {
    this.byStatus.clear();
    this.taskCount = 0;
    this.attempts = 0;
    this.active.clear();
    this.bad.clear();
    this.ordinal.clear();
    this.retry.clear();
    this.verified.clear();
    this.branch.clear();
    this.withUsage = [];
    this.usageSum = null;
    for (const id in state.tasks) {
      this.ordinal.set(id, this.taskCount++);
      this.add(state.tasks[id]!);
    }
  }

  /** A task the map already had changed. */
  update(before: TaskState, after: TaskState): void {
    this.remove(before);
    this.add(after);
  }

  retryAt(): number[] {
    return [...this.retry.values()];
  }

  /** Verified done tasks, `skip` (the goal's own line) left out. */
  verifiedCount(skip: string | null): number {
    return this.verified.size - (skip !== null && this.verified.has(skip) ? 1 : 0);
  }

  /** Branches for review in the task map's order. */
  branches(): string[] {
    return [...this.branch.keys()].sort((a, b) => this.ordinal.get(a)! - this.ordinal.get(b)!).map((id) => this.branch.get(id)!);
  }

  /** Every attempt's reported usage, added up in the task map's order. */
  usage(): Totals {
    if (this.usageSum) return this.usageSum;
    let u = emptyTotals();
    for (const t of this.withUsage) if (t) for (const a of t.attempts) u = addUsage(u, a.usage);
    this.usageSum = u;
    return u;
  }

  private add(t: TaskState): void {
    this.byStatus.set(t.status, (this.byStatus.get(t.status) ?? 0) + 1);
    this.attempts += t.attempts.length;
    const at = retryTime(t);
    if (at !== null) this.retry.set(t.id, at);
    if (verifiedDone(t)) this.verified.add(t.id);
    if (activeAttempt(t)) this.active.add(t.id);
    if (t.status === 'failed' || t.status === 'blocked') this.bad.add(t.id);
    const b = branchForReview(t);
    if (b) this.branch.set(t.id, clip(b.text, TEXT_MAX));
    const ord = this.ordinal.get(t.id)!;
    const had = this.withUsage[ord];
    if (hasUsage(t)) {
      if (had?.attempts !== t.attempts) this.usageSum = null;
      this.withUsage[ord] = t;
    } else if (had) {
      this.withUsage[ord] = undefined;
      this.usageSum = null;
    }
  }

  private remove(t: TaskState): void {
    this.byStatus.set(t.status, this.byStatus.get(t.status)! - 1);
    this.attempts -= t.attempts.length;
    this.retry.delete(t.id);
    this.verified.delete(t.id);
    this.active.delete(t.id);
    this.bad.delete(t.id);
    this.branch.delete(t.id);
  }
}

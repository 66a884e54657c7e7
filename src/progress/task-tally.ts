// What each task adds to `aura status`'s figures, kept one change at a time for the status index
// (status-index.ts): tasks by status, attempts, pending retries, verified done tasks, attempts in
// progress, failed and blocked tasks, branches waiting for a person, and the usage reported.
//
// A change is the task as it was taken out and as it is put back, so each figure is exactly what a
// walk over every task (facts.ts) adds up. Usage is the one sum of fractions: it is added up again
// in the task map's order when it changed, so the cost comes out to the same last bit as the walk's
// (floating-point addition depends on the order). Pure data, no I/O.
import { addUsage, emptyTotals, type Totals } from '../core/budget.js';
import type { TaskState, TaskStatus } from '../store/schema.js';
import { clip } from './format.js';
import { branchForReview } from './git-view.js';
import { retryTime, verifiedDone } from './overall.js';
import { activeAttempt } from './task-view.js';
import { TEXT_MAX } from './types.js';

const hasUsage = (t: TaskState): boolean => t.attempts.some((a) => a.usage);

/** No attempt of it reported a cost other than 0. */
const costFree = (t: TaskState | undefined): boolean => (t?.attempts ?? []).every((a) => !a.usage || a.usage.costUsd === null || a.usage.costUsd === 0);

function usageOf(t: TaskState | undefined): Totals {
  let u = emptyTotals();
  for (const a of t?.attempts ?? []) u = addUsage(u, a.usage);
  return u;
}

export class TaskTally {
  /** Tasks by status, archived ones and the goal included. */
  byStatus = new Map<TaskStatus, number>();
  taskCount = 0;
  attempts = 0;
  /** Tasks with an attempt in progress. */
  readonly active = new Set<string>();
  /** Failed and blocked tasks. */
  readonly bad = new Set<string>();
  private verified = 0;
  private retry = new Map<string, number>();
  /** Task id → its place in the task map and its line. */
  private branch = new Map<string, { ord: number; text: string }>();
  /** By place in the task map (for…in order, the order the walk adds things up in): tasks with reported usage. */
  private withUsage: (TaskState | undefined)[] = [];
  private usageSum: Totals | null = null;

  clear(): void {
    this.byStatus.clear();
    this.taskCount = 0;
    this.attempts = 0;
    this.active.clear();
    this.bad.clear();
    this.verified = 0;
    this.retry.clear();
    this.branch.clear();
    this.withUsage = [];
    this.usageSum = null;
  }

  /** A task the map did not have; `ord`: its place in the map (a new one changes the order: clear and add all). */
  add(t: TaskState, ord: number): void {
    this.taskCount++;
    this.put(t, ord);
  }

  /** A task the map already had changed. */
  update(before: TaskState, after: TaskState, ord: number): void {
    this.take(before);
    this.put(after, ord);
  }

  retryAt(): number[] {
    return [...this.retry.values()];
  }

  /** Verified done tasks, the goal's own line (`skip`, when it is one) left out. */
  verifiedCount(skip: TaskState | undefined): number {
    return this.verified - (skip && verifiedDone(skip) ? 1 : 0);
  }

  /** Branches for review in the task map's order. */
  branches(): string[] {
    return [...this.branch.values()].sort((a, b) => a.ord - b.ord).map((b) => b.text);
  }

  /** Every attempt's reported usage, added up in the task map's order. */
  usage(): Totals {
    if (this.usageSum) return this.usageSum;
    let u = emptyTotals();
    for (const t of this.withUsage) if (t) for (const a of t.attempts) u = addUsage(u, a.usage);
    this.usageSum = u;
    return u;
  }

  private put(t: TaskState, ord: number): void {
    this.byStatus.set(t.status, (this.byStatus.get(t.status) ?? 0) + 1);
    this.attempts += t.attempts.length;
    const at = retryTime(t);
    if (at !== null) this.retry.set(t.id, at);
    if (verifiedDone(t)) this.verified++;
    if (activeAttempt(t)) this.active.add(t.id);
    if (t.status === 'failed' || t.status === 'blocked') this.bad.add(t.id);
    const b = branchForReview(t);
    if (b) this.branch.set(t.id, { ord, text: clip(b.text, TEXT_MAX) });
    const had = this.withUsage[ord];
    if (hasUsage(t)) {
      if (had?.attempts !== t.attempts) this.usageChanged(had, t);
      this.withUsage[ord] = t;
    } else if (had) {
      this.withUsage[ord] = undefined;
      this.usageChanged(had, undefined);
    }
  }

  /**
   * A task's usage changed. Token counts are whole numbers, added exactly in any order, and a cost
   * of 0 (or none) moves no sum: such a change (every shell worker's) is applied to the sum as it
   * is. Any other is added up again at the next usage(), in order (at 20,000 finished tasks that was
   * a walk over all of them after every commit).
   */
  private usageChanged(before: TaskState | undefined, after: TaskState | undefined): void {
    if (!this.usageSum) return;
    if (!costFree(before) || !costFree(after)) {
      this.usageSum = null;
      return;
    }
    const was = usageOf(before);
    const now = usageOf(after);
    const u = this.usageSum;
    this.usageSum = {
      inputTokens: u.inputTokens - was.inputTokens + now.inputTokens,
      outputTokens: u.outputTokens - was.outputTokens + now.outputTokens,
      cacheReadTokens: u.cacheReadTokens - was.cacheReadTokens + now.cacheReadTokens,
      cacheWriteTokens: u.cacheWriteTokens - was.cacheWriteTokens + now.cacheWriteTokens,
      costUsd: u.costUsd,
      costed: u.costed - was.costed + now.costed,
    };
  }

  private take(t: TaskState): void {
    this.byStatus.set(t.status, this.byStatus.get(t.status)! - 1);
    this.attempts -= t.attempts.length;
    if (verifiedDone(t)) this.verified--;
    this.retry.delete(t.id);
    this.active.delete(t.id);
    this.bad.delete(t.id);
    this.branch.delete(t.id);
  }
}

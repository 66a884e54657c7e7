// Status transitions: the only way a task's status changes. Each one is checked against the table
// and produces the journal entry that explains it. Pure.
import type { JournalEntry, TaskState, TaskStatus } from '../store/schema.js';

const ALLOWED: Record<TaskStatus, readonly TaskStatus[]> = {
  pending: ['running', 'done', 'failed', 'blocked', 'archived'],
  running: ['verifying', 'pending', 'failed', 'blocked', 'done', 'archived'],
  verifying: ['done', 'pending', 'failed', 'blocked', 'archived'],
  done: ['pending', 'archived'],
  failed: ['pending', 'done', 'archived'],
  blocked: ['pending', 'failed', 'done', 'archived'],
  archived: ['pending', 'done'],
};

export type JournalDraft = Omit<JournalEntry, 'seq' | 'ts' | 'cycle'>;

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return from === to || ALLOWED[from].includes(to);
}

/**
 * Returns the task in its new status plus the journal entry, which carries a full snapshot of the
 * task so the state can be rebuilt from the journal alone.
 */
export function transition(
  t: TaskState,
  to: TaskStatus,
  reason: string,
  now: Date,
  patch: Partial<TaskState> = {},
): { task: TaskState; entry: JournalDraft } {
  if (!canTransition(t.status, to)) {
    throw new Error(`illegal transition for task ${t.id}: ${t.status} → ${to} (${reason})`);
  }
  const blockedBy = to === 'blocked' ? (patch.blockedBy ?? t.blockedBy ?? null) : null;
  const task: TaskState = { ...t, ...patch, status: to, reason, blockedBy, updatedAt: now.toISOString() };
  return {
    task,
    entry: { kind: 'status', task: t.id, from: t.status, to, msg: reason, data: { task } },
  };
}

/** Capped exponential backoff: base, 2×base, 4×base … up to max. */
export function backoffMs(failedAttempts: number, baseSeconds: number, maxSeconds: number): number {
  const exp = Math.max(0, failedAttempts - 1);
  return Math.min(baseSeconds * 1000 * 2 ** Math.min(exp, 30), maxSeconds * 1000);
}

/** The fields every new task starts with: pending, no attempts, created now. */
export function freshTask(
  fields: Omit<TaskState, 'status' | 'reason' | 'attempts' | 'attemptBase' | 'blockedBy' | 'notBefore' | 'createdAt' | 'updatedAt' | 'voidTick'>,
  reason: string,
  now: Date,
): TaskState {
  const iso = now.toISOString();
  return { ...fields, status: 'pending', reason, attempts: [], attemptBase: 0, blockedBy: null, notBefore: null, voidTick: false, createdAt: iso, updatedAt: iso };
}

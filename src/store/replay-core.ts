// Replaying journal entries over a snapshot (the contract is in replay.ts). This part is zod-free so
// that `aura status` can replay the journal's tail without loading the schemas (the daemon validated
// everything it journaled); the validating replay passes in checks built from the real schemas.
import { renameTask } from '../core/rename.js';
import type { JournalEntry, RunState, TaskState } from './schema.js';

export const REPLAYABLE_FIELDS = [
  'goal',
  'context',
  'roots',
  'taskFileHash',
  'doneAt',
  'goalOnly',
  'cycle',
  'runId',
  'taskFile',
  'pause',
  'planner',
  'taskFileWarnings',
  'spendCap',
] as const;
export type ReplayableField = (typeof REPLAYABLE_FIELDS)[number];

export interface ReplaySkip {
  seq: number;
  reason: string;
}

export interface ReplayResult {
  /** A new object; the input state is not modified (unless replayed in place). */
  state: RunState;
  /** Entries newer than the snapshot (seq > journalSeq). */
  replayed: number;
  /** Of those, entries that changed something. */
  applied: number;
  /** Task snapshots upserted. */
  tasks: number;
  skipped: ReplaySkip[];
}

export type Check<T> = { ok: true; value: T } | { ok: false; why: string };

export interface Validators {
  task(v: unknown): Check<TaskState>;
  field(name: ReplayableField, v: unknown): Check<unknown>;
}

/** Trusts what the daemon journaled (it validated it): for read-only views that must start fast. */
export const TRUSTING: Validators = {
  task: (v) => (isRecord(v) && typeof v.id === 'string' && Array.isArray(v.attempts) ? { ok: true, value: v as unknown as TaskState } : { ok: false, why: 'not a task' }),
  field: (_name, v) => ({ ok: true, value: v }),
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `o.inPlace`: the caller gives `state` up (it was just parsed and nothing else holds it), so it is
 * updated instead of copied; copying a 20,000-task state costs more than reading it (issue 13).
 */
export function replayWith(state: RunState, entries: readonly JournalEntry[], check: Validators, o: { inPlace?: boolean } = {}): ReplayResult {
  const next: RunState = o.inPlace ? state : structuredClone(state);
  const skipped: ReplaySkip[] = [];
  let applied = 0;
  let tasks = 0;
  const todo = entries.filter((e) => e.seq > state.journalSeq).sort((a, b) => a.seq - b.seq);
  for (const e of todo) {
    let changed = false;
    const data = e.data ?? {};
    if (data.task !== undefined) {
      const r = check.task(data.task);
      if (r.ok) {
        // A task.md rename journals the renamed task alone: its parent, children and dependents
        // follow here as they did in the daemon (core/rename.ts).
        const from = data.renamedFrom;
        if (typeof from === 'string' && from !== r.value.id && next.tasks[from] && !next.tasks[r.value.id]) next.tasks = renameTask(next.tasks, from, r.value.id);
        next.tasks[r.value.id] = r.value;
        tasks++;
        changed = true;
      } else {
        skipped.push({ seq: e.seq, reason: `data.task is not a full task snapshot (${r.why})` });
      }
    }
    if (data.state !== undefined) {
      if (isRecord(data.state)) {
        for (const field of REPLAYABLE_FIELDS) {
          if (!(field in data.state)) continue;
          const r = check.field(field, data.state[field]);
          if (r.ok) {
            (next as Record<ReplayableField, unknown>)[field] = r.value;
            changed = true;
          } else {
            skipped.push({ seq: e.seq, reason: `data.state.${field} is invalid (${r.why})` });
          }
        }
      } else {
        skipped.push({ seq: e.seq, reason: 'data.state is not an object' });
      }
    }
    if (changed) {
      applied++;
      next.updatedAt = e.ts;
    }
    next.journalSeq = Math.max(next.journalSeq, e.seq);
    // Cycles keep counting up from the newest entry the snapshot had not seen yet.
    next.cycle = Math.max(next.cycle, e.cycle);
  }
  return { state: next, replayed: todo.length, applied, tasks, skipped };
}

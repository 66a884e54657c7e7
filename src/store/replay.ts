// Rebuilding state from the journal.
//
// Contract (write-ahead): the daemon appends a journal entry describing a change FIRST (and waits
// for it to be on disk), and only then saves the state.json snapshot, whose journalSeq says which
// entries it already includes. A crash between the two leaves a snapshot that is behind the journal,
// never ahead of it; so the latest good snapshot plus the entries after its journalSeq is the truth.
//
// For that to work, an entry that changes state must carry the result, not just a description:
//   - data.task:  a full TaskState snapshot (the task as it is after the change) → upserts tasks[id]
//   - data.state: any of goal, context, roots, taskFileHash, doneAt, goalOnly, cycle, pause, planner,
//                 taskFileWarnings (and runId,
//                 taskFile, so a journal-only rebuild can recover them too) → sets them
// Entries with seq <= state.journalSeq are already in the snapshot and are ignored. Other entries
// (decisions, wakes, warnings) change nothing but still advance journalSeq. A snapshot or field that
// does not validate is skipped (and reported), never half-applied.
import { RunState, TaskState, type JournalEntry } from './schema.js';

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
] as const;
export type ReplayableField = (typeof REPLAYABLE_FIELDS)[number];

export interface ReplaySkip {
  seq: number;
  reason: string;
}

export interface ReplayResult {
  /** A new object; the input state is not modified. */
  state: RunState;
  /** Entries newer than the snapshot (seq > journalSeq). */
  replayed: number;
  /** Of those, entries that changed something. */
  applied: number;
  /** Task snapshots upserted. */
  tasks: number;
  skipped: ReplaySkip[];
}

function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const i = error.issues[0];
  if (!i) return 'invalid';
  return i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function replayJournal(state: RunState, entries: readonly JournalEntry[]): ReplayResult {
  const next: RunState = structuredClone(state);
  const skipped: ReplaySkip[] = [];
  let applied = 0;
  let tasks = 0;
  const todo = entries.filter((e) => e.seq > state.journalSeq).sort((a, b) => a.seq - b.seq);
  for (const e of todo) {
    let changed = false;
    const data = e.data ?? {};
    if (data.task !== undefined) {
      const r = TaskState.safeParse(data.task);
      if (r.success) {
        next.tasks[r.data.id] = r.data;
        tasks++;
        changed = true;
      } else {
        skipped.push({ seq: e.seq, reason: `data.task is not a full task snapshot (${firstIssue(r.error)})` });
      }
    }
    if (data.state !== undefined) {
      if (isRecord(data.state)) {
        for (const field of REPLAYABLE_FIELDS) {
          if (!(field in data.state)) continue;
          const r = RunState.shape[field].safeParse(data.state[field]);
          if (r.success) {
            (next as Record<ReplayableField, unknown>)[field] = r.data;
            changed = true;
          } else {
            skipped.push({ seq: e.seq, reason: `data.state.${field} is invalid (${firstIssue(r.error)})` });
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

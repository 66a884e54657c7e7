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
import { replayWith, type ReplayResult } from './replay-core.js';
import { RunState, TaskState, type JournalEntry } from './schema.js';

export { REPLAYABLE_FIELDS, type ReplayableField } from './replay-core.js';

export type { ReplayResult, ReplaySkip } from './replay-core.js';

function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const i = error.issues[0];
  if (!i) return 'invalid';
  return i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message;
}

/** Replay with every task snapshot and state field validated by the real schemas. */
export function replayJournal(state: RunState, entries: readonly JournalEntry[]): ReplayResult {
  return replayWith(state, entries, {
    task: (v) => {
      const r = TaskState.safeParse(v);
      return r.success ? { ok: true, value: r.data } : { ok: false, why: firstIssue(r.error) };
    },
    field: (name, v) => {
      const r = RunState.shape[name].safeParse(v);
      return r.success ? { ok: true, value: r.data } : { ok: false, why: firstIssue(r.error) };
    },
  });
}

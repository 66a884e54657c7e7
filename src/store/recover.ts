// Deciding which state to trust at startup: state.json, else state.prev.json, else the journal alone,
// always with the journal replayed on top (replay.ts has the write-ahead contract). Damaged files are
// moved aside, never deleted, and the outcome is explained in one sentence for the journal and the user.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { moveAside, type Now } from './aside.js';
import { readJournal, readJournalSince } from './journal-read.js';
import type { Layout } from './layout.js';
import { replayJournal, type ReplaySkip } from './replay.js';
import { STATE_SCHEMA_VERSION, type JournalEntry, type RunState } from './schema.js';
import { readStateFile, type StateFileRead } from './state-file.js';

export interface Recovery {
  /** What was wrong and what was done, e.g. "state.json was empty (0 bytes); kept it as …; rebuilt from …". */
  reason: string;
  /** Where the damaged state.json now lives (absent when it was missing, or read-only). */
  quarantined?: string;
  from: 'previous' | 'journal' | 'fresh';
}

export interface LoadResult {
  /** null: nothing to resume, start a fresh run. */
  state: RunState | null;
  /** null when state.json was fine (or there was never any state). */
  recovery: Recovery | null;
  /** Journal entries newer than the snapshot that were replayed (also when state.json was fine). */
  replayed: number;
  /** Journal entries (or parts) that replay could not use. */
  skipped: ReplaySkip[];
}

export interface RecoverOptions {
  /** Read-only: damaged files stay where they are and nothing is written. */
  readOnly: boolean;
  now: Now;
  /** taskFile for a state rebuilt from the journal alone (state.json is the only place that records it). */
  taskFile?: string;
}

const STATE = 'state.json';
const PREV = 'state.prev.json';

/** The skeleton a journal-only rebuild starts from; replay fills in what the journal recorded. */
function journalBase(entries: readonly JournalEntry[], now: Now, taskFile: string): RunState {
  const ts = entries[0]?.ts ?? new Date(now()).toISOString();
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    // A new run id unless the journal recorded one (data.state.runId): attempts keep their own markers.
    runId: randomUUID(),
    taskFile,
    goal: '',
    context: '',
    goalOnly: false,
    // Empty hash: the daemon sees the task file as changed and re-applies it over the rebuilt tasks.
    taskFileHash: '',
    createdAt: ts,
    updatedAt: ts,
    // Cycles keep counting up from where the journal left off.
    cycle: entries.reduce((m, e) => Math.max(m, e.cycle), 0),
    journalSeq: 0,
    journalBytes: 0,
    roots: [],
    tasks: {},
    doneAt: null,
    pause: null,
    planner: null,
    taskFileWarnings: [],
  };
}

function deriveRoots(state: RunState): string[] {
  return Object.values(state.tasks)
    .filter((t) => t.parent === null || !(t.parent in state.tasks))
    .sort((a, b) => a.order - b.order)
    .map((t) => t.id);
}

export async function recoverState(layout: Layout, opts: RecoverOptions): Promise<LoadResult> {
  let cur = await readStateFile(layout.stateFile);
  if (cur.kind === 'missing' && opts.readOnly) {
    // A save renames state.json away for a moment (state-store.ts); look once more before falling back.
    cur = await readStateFile(layout.stateFile);
  }
  if (cur.kind === 'ok') {
    const r = replayJournal(cur.state, await readJournalSince(layout.journalFile, cur.state.journalSeq));
    return { state: r.state, recovery: null, replayed: r.replayed, skipped: r.skipped };
  }

  const problems: string[] = [];
  let quarantined: string | undefined;
  const setAside = async (file: string, read: StateFileRead & { kind: 'bad' }): Promise<string | undefined> => {
    if (opts.readOnly) {
      problems.push(`${read.problem}; left it in place (read-only)`);
      return undefined;
    }
    const moved = await moveAside(file, 'corrupt', opts.now);
    problems.push(`${read.problem}; kept it as ${path.basename(moved)}`);
    return moved;
  };
  if (cur.kind === 'bad') quarantined = await setAside(layout.stateFile, cur);
  const verb = opts.readOnly ? 'using' : 'rebuilt from';
  const withQuarantine = <T extends Recovery>(r: T): T => (quarantined ? { ...r, quarantined } : r);

  const prev = await readStateFile(layout.statePrevFile);
  if (prev.kind === 'ok') {
    if (cur.kind === 'missing') problems.push(`${STATE} was missing (a save was interrupted)`);
    const r = replayJournal(prev.state, await readJournalSince(layout.journalFile, prev.state.journalSeq));
    const reason = `${problems.join('; ')}; ${verb} ${PREV} and ${r.replayed} journal entries`;
    return { state: r.state, recovery: withQuarantine({ reason, from: 'previous' }), replayed: r.replayed, skipped: r.skipped };
  }
  if (prev.kind === 'bad') await setAside(layout.statePrevFile, prev);

  const entries = await readJournal(layout.journalFile);
  const r = replayJournal(journalBase(entries, opts.now, opts.taskFile ?? ''), entries);
  if (r.tasks > 0) {
    if (r.state.roots.length === 0) r.state.roots = deriveRoots(r.state);
    if (cur.kind === 'missing' && prev.kind === 'missing') problems.push(`${STATE} and ${PREV} were missing`);
    else if (prev.kind === 'missing') problems.push(`there was no ${PREV}`);
    const reason = `${problems.join('; ')}; ${verb} ${r.replayed} journal entries alone (${r.tasks} task snapshots)`;
    return { state: r.state, recovery: withQuarantine({ reason, from: 'journal' }), replayed: r.replayed, skipped: r.skipped };
  }
  if (cur.kind === 'missing' && prev.kind === 'missing') return { state: null, recovery: null, replayed: 0, skipped: [] };
  if (prev.kind === 'missing') problems.push(`there was no ${PREV}`);
  const reason = `${problems.join('; ')}; the journal has no task snapshots to rebuild from; starting fresh`;
  return { state: null, recovery: withQuarantine({ reason, from: 'fresh' }), replayed: 0, skipped: [] };
}

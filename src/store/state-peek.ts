// A quick read of the run for read-only views (aura status): state.json with a shape check, then the
// journal entries written since that snapshot (read from the byte offset the snapshot records), all
// without zod. The daemon validates everything it writes and writes atomically, so its own files can
// be trusted for display; anything that does not look right goes through the full, validating reader
// (readStateReadOnly) instead, which also explains a recovery.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Layout } from './layout.js';
import { replayWith, TRUSTING } from './replay-core.js';
import type { JournalEntry, RunState } from './schema.js';
import { STATE_VERSION } from './version.js';

export function peekState(layout: Layout): RunState | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(layout.stateFile, 'utf8'));
  } catch {
    return null; // missing, mid-replace or damaged: the full reader says which
  }
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Record<string, unknown>;
  const plausible =
    s.schemaVersion === STATE_VERSION &&
    typeof s.goal === 'string' &&
    typeof s.journalSeq === 'number' &&
    typeof s.tasks === 'object' &&
    s.tasks !== null &&
    Array.isArray(s.roots) &&
    typeof s.createdAt === 'string' &&
    everyTaskPlausible(s.tasks as Record<string, unknown>);
  if (!plausible) return null;
  const state = value as RunState;
  const tail = journalAfter(layout.journalFile, typeof s.journalBytes === 'number' ? s.journalBytes : 0, state.journalSeq);
  if (tail === null) return null;
  // Just parsed here and held by nobody else: replayed in place.
  return tail.length ? replayWith(state, tail, TRUSTING, { inPlace: true }).state : state;
}

/** for…in, not Object.values: the latter sorts a 20,000-key map first, which costs more than the check. */
function everyTaskPlausible(tasks: Record<string, unknown>): boolean {
  for (const id in tasks) {
    const t = tasks[id];
    if (typeof t !== 'object' || t === null || !Array.isArray((t as { attempts?: unknown }).attempts)) return false;
  }
  return true;
}

/** Entries after `seq`, read from `offset` on (the snapshot's own); null when the file is not as expected. */
function journalAfter(file: string, offset: number, seq: number): JournalEntry[] | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    // A journal shorter than the snapshot says (replaced, repaired): let the full reader look.
    const from = offset <= size ? offset : -1;
    if (from < 0) return null;
    const buf = Buffer.alloc(size - from);
    readSync(fd, buf, 0, buf.length, from);
    const out: JournalEntry[] = [];
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as JournalEntry;
        if (typeof e.seq === 'number' && e.seq > seq) out.push(e);
      } catch {
        // a line being written right now: the next read has it whole
      }
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

// Journal entries as the API shows them: what happened and why, without `data`. The data of an entry
// is the store's replay payload (whole task snapshots, worker markers, figures); people read the
// message, and `aura history --json` keeps the whole entry for whoever needs it. Pure.
import type { JournalEntry } from '../store/schema.js';

export interface PublicEntry {
  seq: number;
  ts: string;
  cycle: number;
  kind: JournalEntry['kind'];
  task?: string;
  from?: JournalEntry['from'];
  to?: JournalEntry['to'];
  msg: string;
}

export function publicEntry(e: JournalEntry): PublicEntry {
  return {
    seq: e.seq,
    ts: e.ts,
    cycle: e.cycle,
    kind: e.kind,
    ...(e.task !== undefined ? { task: e.task } : {}),
    ...(e.from !== undefined ? { from: e.from } : {}),
    ...(e.to !== undefined ? { to: e.to } : {}),
    msg: e.msg,
  };
}

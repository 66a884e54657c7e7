// One listing of the run's jobs against the jobs aura is waiting for. Pure: the executor acts on
// what these return.
import type { QueueRow } from './parse.js';
import { phaseOf, type Phase } from './states.js';

/** Rows of this run, by job name (several rows under one name would be a duplicate, said loudly). */
export function byName(rows: readonly QueueRow[], isOurs: (name: string) => boolean): Map<string, QueueRow[]> {
  const out = new Map<string, QueueRow[]>();
  for (const r of rows) {
    if (!isOurs(r.name)) continue;
    const list = out.get(r.name);
    if (list) list.push(r);
    else out.set(r.name, [r]);
  }
  return out;
}

/**
 * The row aura follows for a name: the one with the id it was told, else a live one, else the
 * newest. The others are duplicates to report.
 */
export function pickRow(rows: readonly QueueRow[], jobId: string | null): { row: QueueRow; duplicates: QueueRow[] } | null {
  if (rows.length === 0) return null;
  const byId = jobId !== null ? rows.find((r) => r.jobId === jobId) : undefined;
  const live = rows.filter((r) => phaseOf(r.state) !== 'final');
  const row = byId ?? live[live.length - 1] ?? rows[rows.length - 1]!;
  return { row, duplicates: rows.filter((r) => r !== row) };
}

export type Seen = { kind: 'listed'; row: QueueRow; phase: Phase; duplicates: QueueRow[] } | { kind: 'missing'; since: number } | { kind: 'vanished'; since: number };

/**
 * A job absent from the listing is missing, not gone: controllers drop a job now and then (a busy
 * slurmctld, a failover). Only past the grace does it count as vanished.
 */
export function observe(h: { jobId: string | null; missingSince: number | null }, rows: readonly QueueRow[], now: number, graceMs: number): Seen {
  const picked = pickRow(rows, h.jobId);
  if (picked) return { kind: 'listed', row: picked.row, phase: phaseOf(picked.row.state), duplicates: picked.duplicates };
  const since = h.missingSince ?? now;
  return now - since >= graceMs ? { kind: 'vanished', since } : { kind: 'missing', since };
}

/** Live jobs of this run that no attempt is waiting for: left over from an attempt already given up. */
export function orphans(mine: ReadonlyMap<string, QueueRow[]>, followed: ReadonlyMap<string, string | null>): QueueRow[] {
  const out: QueueRow[] = [];
  for (const [name, rows] of mine) {
    for (const r of rows) {
      if (phaseOf(r.state) === 'final') continue;
      if (!followed.has(name)) out.push(r);
      else {
        // A second live job under a followed name: the one aura does not follow is the extra one.
        const id = followed.get(name);
        if (id !== null && id !== undefined && r.jobId !== id && rows.some((x) => x.jobId === id)) out.push(r);
      }
    }
  }
  return out;
}

/** Slurm should have ended it by now (its time limit, plus slack for slurmctld's periodic check). */
export function pastTimeLimit(row: Pick<QueueRow, 'startMs' | 'timeLimitS'>, now: number, slackMs: number): boolean {
  return row.startMs !== null && row.timeLimitS !== null && now > row.startMs + row.timeLimitS * 1000 + slackMs;
}

// One listing applied to the followed jobs: which moved on (queued → running), which ended or
// vanished, which live jobs of the run no attempt follows. Changes the handles' bookkeeping and
// returns what the executor must do; runs no command.
import type { JobHandle } from './handle.js';
import { parseJobName } from './names.js';
import { byName, observe, orphans, pastTimeLimit } from './observe.js';
import type { QueueRow } from './parse.js';

export interface ReconcileInput {
  runId: string;
  now: number;
  /** AURA_SLURM_MISSING_SECONDS, ms. */
  graceMs: number;
  /** How long past its time limit a job may still run before aura cancels it itself. */
  overdueMs: number;
}

export interface ReconcileResult {
  /** Jobs in a final state (row) or absent from the listing (row null): to be judged. */
  ending: Array<{ h: JobHandle; row: QueueRow | null }>;
  strays: QueueRow[];
  overdue: JobHandle[];
  /** Journal-worthy changes, with the task they concern. */
  notices: Array<{ msg: string; task?: string; once?: boolean }>;
}

export function reconcile(handles: Iterable<JobHandle>, rows: readonly QueueRow[], i: ReconcileInput): ReconcileResult {
  const mine = byName(rows, (n) => parseJobName(n, i.runId) !== null);
  const out: ReconcileResult = { ending: [], strays: [], overdue: [], notices: [] };
  const all = [...handles];
  for (const h of all) {
    if (h.phase === 'submitting' || h.phase === 'final') continue;
    const seen = observe(h, mine.get(h.name) ?? [], i.now, i.graceMs);
    if (seen.kind !== 'listed') {
      h.missingSince = seen.since;
      out.ending.push({ h, row: null });
      continue;
    }
    const row = seen.row;
    h.missingSince = null;
    if (h.jobId !== row.jobId) {
      if (h.jobId !== null) out.notices.push({ msg: `job ${h.name} is listed as job ${row.jobId}, not ${h.jobId}; following the listing`, task: h.task });
      else if (h.adopted) out.notices.push({ msg: `re-adopted job ${row.jobId} (${h.name}) by its name: ${row.state}`, task: h.task });
      else out.notices.push({ msg: `found job ${row.jobId} (${h.name}) by its name: ${row.state}`, task: h.task });
      h.jobId = row.jobId;
    }
    for (const d of seen.duplicates) out.notices.push({ msg: `two jobs are named ${h.name} (${row.jobId} and ${d.jobId}); aura follows ${row.jobId}`, once: true });
    h.row = row;
    h.cpus = row.cpus ?? h.cpus;
    if (seen.phase === 'final') out.ending.push({ h, row });
    else if (seen.phase === 'running' && h.phase !== 'running') {
      h.phase = 'running';
      out.notices.push({ msg: `job ${row.jobId} (${h.name}) is running on ${row.nodes || 'a node'}`, task: h.task });
    } else if (seen.phase === 'running' && h.stopAt === null && pastTimeLimit(row, i.now, i.overdueMs)) {
      out.overdue.push(h);
      out.notices.push({ msg: `Slurm has not ended job ${row.jobId} at its time limit; aura cancels it`, task: h.task });
    }
  }
  out.strays = orphans(mine, new Map(all.map((h) => [h.name, h.jobId] as const)));
  return out;
}

// Gathering what is known about jobs that ended (or vanished) into one WorkerExit each: the wrapper's
// exit record first, then one sacct call (where accounting is configured) or one `scontrol show job`
// (where it is not, for as long as the controller keeps finished jobs: MinJobAge) for what the record
// cannot say, and slurmstepd's own words in slurm.out for a memory kill.
import path from 'node:path';
import type { WorkerExit } from '../../daemon/pool.js';
import { readExitFile } from '../../daemon/pool.js';
import { readFileTail } from '../../util/tail-file.js';
import type { RunnerExit } from '../../workers/runner.js';
import { sacctByNameArgv, scontrolJobsArgv } from './argv.js';
import { workerExitFor } from './conclude.js';
import type { SlurmCaller } from './controller.js';
import { describeSlurmError } from './errors.js';
import type { JobHandle } from './handle.js';
import { parseMemoryKill, parseSacct, parseScontrolJobs, type AcctRecord, type QueueRow } from './parse.js';

export interface Ender {
  /** Set per poll to a counting view of the controller. */
  ctl: SlurmCaller;
  user: string;
  since: () => string;
  /** How long a final job without an exit record waits for one (a shared filesystem may show it late). */
  settleMs: number;
  /** The highest memory sstat saw for a task, bytes. */
  peak: (task: string) => number | null;
  notice: (msg: string) => void;
  /** Whether sacct can be asked; learned once from `scontrol show config`. */
  accounting?: boolean | null;
}

interface Ready {
  h: JobHandle;
  row: QueueRow | null;
  record: RunnerExit | null;
}

export async function collectEnds(e: Ender, ending: ReadonlyArray<{ h: JobHandle; row: QueueRow | null }>, now: number, graceMs: number): Promise<Array<{ h: JobHandle; exit: WorkerExit }>> {
  const ready: Ready[] = [];
  for (const { h, row } of ending) {
    const record = await readExitFile(h.attemptDirAbs);
    if (row === null) {
      // Absent from the listing: with a record it is done; without one, only past the grace.
      if (record || (h.missingSince !== null && now - h.missingSince >= graceMs)) ready.push({ h, row, record });
      continue;
    }
    if (!record) {
      h.finalSince ??= now;
      if (now - h.finalSince < e.settleMs) continue;
    }
    ready.push({ h, row, record });
  }
  if (ready.length === 0) return [];
  const acct = await details(e, ready);
  const out: Array<{ h: JobHandle; exit: WorkerExit }> = [];
  for (const r of ready) {
    const a = pick(acct, r.h);
    const state = r.row?.state ?? a?.state ?? null;
    const kill = state === 'OUT_OF_MEMORY' || state === 'FAILED' ? parseMemoryKill(await slurmOut(e, r.h)) : null;
    const exit = workerExitFor({
      task: r.h.task,
      attempt: r.h.attempt,
      adopted: r.h.adopted,
      state,
      reason: r.row?.reason ?? null,
      cancelledBy: a?.cancelledBy ?? null,
      record: r.record ? { code: r.record.code, signal: r.record.signal } : null,
      slurmExit: a ? { code: a.exitCode, signal: a.signal } : null,
      stopReason: r.h.stopReason,
      memory: {
        usedBytes: kill?.usedBytes ?? a?.maxRssBytes ?? e.peak(r.h.task),
        limitBytes: kill?.limitBytes ?? r.h.memLimitBytes ?? a?.reqMemBytes ?? null,
        killedByStepd: kill !== null,
      },
    });
    out.push({ h: r.h, exit });
  }
  return out;
}

/** slurmstepd's words about the job; they only add figures, so an unreadable file is said and skipped. */
async function slurmOut(e: Ender, h: JobHandle): Promise<string> {
  const file = path.join(h.attemptDirAbs, 'slurm.out');
  try {
    return await readFileTail(file, 16_384);
  } catch (err) {
    e.notice(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}; the job's end is judged without slurmstepd's figures`);
    return '';
  }
}

function pick(records: AcctRecord[], h: JobHandle): AcctRecord | undefined {
  const named = records.filter((r) => (h.jobId !== null ? r.jobId === h.jobId : r.name === h.name));
  return named[named.length - 1];
}

/**
 * sacct where it works (who cancelled, MaxRSS, the exit code), else scontrol (the exit code, while the
 * controller keeps the job), and only when the records leave something to ask.
 */
async function details(e: Ender, ready: Ready[]): Promise<AcctRecord[]> {
  const needed = ready.filter((r) => r.record === null || r.row === null || r.row.state === 'CANCELLED' || r.row.state === 'OUT_OF_MEMORY');
  if (needed.length === 0) return [];
  if (e.accounting === undefined || e.accounting === null) e.accounting = await accountingOn(e);
  if (!e.accounting && !needed.some((r) => r.row !== null && (r.record === null || (r.row.state === 'OUT_OF_MEMORY' && r.h.memLimitBytes === null)))) return [];
  if (e.accounting) {
    try {
      const r = await e.ctl.call(sacctByNameArgv([...new Set(needed.map((x) => x.h.name))], e.user, e.since()));
      return parseSacct(r.stdout);
    } catch (err) {
      e.notice(`sacct failed: ${describeSlurmError(err)}; reading scontrol instead`);
    }
  }
  try {
    return parseScontrolJobs((await e.ctl.call(scontrolJobsArgv())).stdout);
  } catch (err) {
    e.notice(`scontrol show job failed: ${describeSlurmError(err)}`);
    return [];
  }
}

/** Whether the cluster keeps accounting (sacct works), from `scontrol show config`. */
export async function accountingOn(e: Pick<Ender, 'ctl' | 'notice'>): Promise<boolean> {
  try {
    const r = await e.ctl.call(['scontrol', 'show', 'config']);
    return accountingFromConfig(r.stdout);
  } catch (err) {
    e.notice(`scontrol show config failed: ${describeSlurmError(err)}; assuming no accounting (no sacct)`);
    return false;
  }
}

export function accountingFromConfig(text: string): boolean {
  const m = /^AccountingStorageType\s*=\s*(\S+)/m.exec(text);
  return m !== null && m[1] !== 'accounting_storage/none';
}

// After a restart: every task the state says is running gets its worker back, or an honest account
// of how it ended. A worker is recognised by /proc (its start time and its marker variable), never
// by a PID some file claims. Leftovers of dead workers are reaped before anything is retried, so a
// task never runs twice at once.
import path from 'node:path';
import { currentAttempt } from '../core/tree.js';
import { findByEnvMarker, processMatches, readEnvironHas } from '../proc/index.js';
import type { Layout } from '../store/layout.js';
import type { Attempt, ProcessRef, TaskState } from '../store/schema.js';
import { MARKER_KEY, stopTree } from '../workers/tree-kill.js';
import type { WorkerExit } from './pool.js';
import type { PoolPort } from './ports.js';
import { readExitFile } from './pool.js';

export interface RecoveryHost {
  state: { tasks: Record<string, TaskState> };
  pool: PoolPort;
  /** Executor hook (issue 18): follows a batch job of an earlier daemon again, by its name. */
  adoptJob(t: TaskState, a: Attempt, attemptDirAbs: string): void;
  queueExit(e: WorkerExit): void;
  restartEvidence(t: TaskState): void;
  termRootOnly(workerName: string): boolean;
  watchdog: { track(taskId: string, marker: string, root: { pid: number; startTicks: number | null; supervisor?: boolean } | null): void };
}

/** The live root of a marked tree: the marked process whose parent is not marked. */
async function findRoot(marker: string): Promise<ProcessRef | null> {
  const procs = (await findByEnvMarker(MARKER_KEY, marker)).filter((p) => p.state !== 'Z');
  const pids = new Set(procs.map((p) => p.pid));
  const root = procs.find((p) => !pids.has(p.ppid));
  return root ? { pid: root.pid, pgid: root.pgid, startTicks: root.startTicks } : null;
}

export async function recoverWorkers(host: RecoveryHost, layout: Layout, say: (msg: string) => void): Promise<void> {
  for (const t of Object.values(host.state.tasks)) {
    const a = currentAttempt(t);
    if (t.status === 'verifying' && a) {
      // The old daemon's verify run may still be going; it proves nothing now. Check again.
      await stopTree(null, `${a.marker}:verify`, { graceMs: 0 });
      say(`${t.id}: was being verified when aura stopped; checking the evidence again`);
      host.restartEvidence(t);
      continue;
    }
    if (t.status !== 'running' || !a || a.endedAt) continue;
    const dir = path.join(layout.root, a.dir);
    // Executor hook (issue 18): a Slurm job is not in this machine's /proc; its name finds it.
    if (a.job) {
      host.adoptJob(t, a, dir);
      say(`${t.id}: looking for attempt ${a.n}'s Slurm job ${a.job.name} by its name`);
      continue;
    }
    const deadline = a.deadline ? new Date(a.deadline) : null;
    let ref: ProcessRef | null = null;
    if (!a.process) ref = await findRoot(a.marker); // crashed between the write-ahead record and the spawn record
    else if (processMatches(a.process) && readEnvironHas(a.process.pid, `${MARKER_KEY}=${a.marker}`)) ref = a.process;
    if (ref) {
      host.pool.adopt(t.id, a.n, a.marker, dir, ref, deadline, host.termRootOnly(a.worker));
      host.watchdog.track(t.id, a.marker, { pid: ref.pid, startTicks: ref.startTicks, supervisor: true });
      say(`${t.id}: re-adopted its running worker (PID ${ref.pid}, attempt ${a.n})`);
      continue;
    }
    const reaped = await stopTree(null, a.marker, { graceMs: 0 });
    if (reaped.signalled) say(`${t.id}: killed ${reaped.signalled} leftover process(es) of attempt ${a.n}`);
    const record = await readExitFile(dir);
    say(
      record === null
        ? `${t.id}: attempt ${a.n}'s worker is gone and left no exit status; it will be retried`
        : `${t.id}: attempt ${a.n}'s worker finished while aura was down (exit ${record.code ?? record.signal}); judging its evidence`,
    );
    host.queueExit({ task: t.id, attempt: a.n, exit: record ? { code: record.code, signal: record.signal as NodeJS.Signals | null } : null, stopReason: null, adopted: true });
  }
}

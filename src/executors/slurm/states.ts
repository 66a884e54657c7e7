// What a Slurm job state means for an aura attempt. Pure and table-tested.
//
//   COMPLETED, FAILED, SPECIAL_EXIT  → the worker's own end (exit record first, Slurm's ExitCode else)
//   TIMEOUT, DEADLINE                → the budget ran out ('timeout', as for a local worker)
//   OUT_OF_MEMORY (or FAILED with slurmstepd's "exceeded memory limit")
//                                    → a watchdog-like verdict with the figure, so the escalation runs
//   NODE_FAIL, PREEMPTED, BOOT_FAIL, REVOKED
//                                    → lost: not the task's fault, retried without counting
//   CANCELLED                        → aura's own stop, or "cancelled outside aura" said in words
import type { KillVerdict } from '../../watchdog/verdict.js';
import { formatBytes } from '../../watchdog/limits.js';

export type Phase = 'queued' | 'running' | 'final';

const QUEUED = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD']);
const FINAL = new Set([
  'COMPLETED',
  'FAILED',
  'SPECIAL_EXIT',
  'TIMEOUT',
  'DEADLINE',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'REVOKED',
  'CANCELLED',
]);

/**
 * Where a job is. A state aura does not know counts as running: ending a job's attempt on a guess
 * could start a second run beside it.
 */
export function phaseOf(state: string): Phase {
  if (QUEUED.has(state)) return 'queued';
  if (FINAL.has(state)) return 'final';
  return 'running';
}

export function isKnownState(state: string): boolean {
  return QUEUED.has(state) || FINAL.has(state) || ['RUNNING', 'COMPLETING', 'SUSPENDED', 'SIGNALING', 'STAGE_OUT', 'RESIZING', 'STOPPED'].includes(state);
}

export type EndKind = 'exited' | 'timeout' | 'oom' | 'lost' | 'cancelled';

export interface Ending {
  kind: EndKind;
  /** Words for the journal: what Slurm said. */
  detail: string;
}

const LOST: Record<string, string> = {
  NODE_FAIL: 'its node failed',
  PREEMPTED: 'it was preempted',
  BOOT_FAIL: 'its node failed to boot',
  REVOKED: 'it was revoked (federation)',
};

export function endingOf(state: string, o: { reason?: string | null; cancelledBy?: string | null; memoryKill?: boolean }): Ending {
  const why = o.reason && o.reason !== 'None' ? `, reason ${o.reason}` : '';
  if (state === 'OUT_OF_MEMORY' || (state === 'FAILED' && o.memoryKill)) return { kind: 'oom', detail: `Slurm: ${state}${why}` };
  if (state === 'TIMEOUT' || state === 'DEADLINE') return { kind: 'timeout', detail: `Slurm: ${state}${why}` };
  const lost = LOST[state];
  if (lost) return { kind: 'lost', detail: `Slurm: ${state}: ${lost}; retried without counting` };
  if (state === 'CANCELLED') return { kind: 'cancelled', detail: `Slurm: CANCELLED${o.cancelledBy ? ` by uid ${o.cancelledBy}` : ''}` };
  return { kind: 'exited', detail: `Slurm: ${state}${why}` };
}

/** The verdict an out-of-memory end stands for, in the watchdog's own shape (its escalation reads it). */
export function oomVerdict(state: string, usedBytes: number | null, limitBytes: number | null): KillVerdict & { slurmState: string } {
  const used = usedBytes !== null ? `at ${formatBytes(usedBytes)} ` : '';
  const limit = limitBytes !== null ? `against its ${formatBytes(limitBytes)} --mem` : 'over its memory limit';
  return {
    kind: 'kill',
    limit: 'memBytes',
    limitValue: limitBytes ?? 0,
    average: usedBytes ?? limitBytes ?? 0,
    unit: 'bytes',
    windowSeconds: 0,
    strikes: 1,
    message: `Slurm ended the job ${state === 'OUT_OF_MEMORY' ? 'OUT_OF_MEMORY' : 'for exceeding its memory limit'} ${used}${limit}`.replace(/\s+/g, ' ').trim(),
    slurmState: state,
  };
}

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 15: 'SIGTERM', 10: 'SIGUSR1', 12: 'SIGUSR2' };

/** Slurm's ExitCode `code:signal` as the exit aura records (used only when the wrapper left no record). */
export function exitFromSlurm(e: { code: number | null; signal: number | null } | null): { code: number | null; signal: NodeJS.Signals | null } | null {
  if (!e || e.code === null) return null;
  if (e.signal) return { code: null, signal: (SIGNALS[e.signal] ?? 'SIGKILL') as NodeJS.Signals };
  return { code: e.code, signal: null };
}

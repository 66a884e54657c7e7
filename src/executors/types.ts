// The executor port: where an attempt's worker runs. `local` is a process tree on this machine (the
// WorkerPool); `slurm` is one batch job per attempt. Every executor reports the same WorkerExit the
// daemon already understands, so what an attempt's end means is decided in one place (the cycle).
import type { Config } from '../config/schema.js';
import type { AttemptOutcome } from '../store/schema.js';
import type { StopResult } from '../workers/tree-kill.js';
import type { Exit } from '../workers/spawn.js';

export const EXECUTORS = ['local', 'slurm'] as const;
export type ExecutorKind = (typeof EXECUTORS)[number];

/** A task's `executor:` key, else AURA_EXECUTOR. */
export function executorFor(t: { extra: Readonly<Record<string, string>> }, config: Pick<Config, 'AURA_EXECUTOR'>): ExecutorKind {
  const own = t.extra.executor?.trim().toLowerCase();
  return own === 'local' || own === 'slurm' ? own : config.AURA_EXECUTOR;
}

/**
 * What a remote executor knows about an end that a process exit cannot say: the batch system's
 * state, an outcome it implies (a node failure is 'lost', not counted), the figures behind an
 * out-of-memory end (a watchdog verdict, so the escalation runs).
 */
export interface RemoteEnd {
  outcome?: AttemptOutcome;
  stopData?: Record<string, unknown>;
  /** What the batch system said, in words, for the journal. */
  detail: string;
}

/** A worker's end, as an executor reports it; the daemon decides what it means. */
export interface WorkerExit {
  task: string;
  attempt: number;
  exit: Exit | null; // null: gone without a status we could learn
  /** Why aura stopped it, if it did ('timeout' for the budget). */
  stopReason: string | null;
  adopted: boolean;
  /** Executor hook (issue 18): what a batch system said about the end; absent for local workers. */
  remote?: RemoteEnd;
}

/** A live worker as the stall monitor, the run budget and the planner see it. */
export interface LiveWorker {
  task: string;
  attempt: number;
  marker: string;
  attemptDirAbs: string;
  /** CPU time of a worker on another machine, in clock ticks (the stall monitor cannot see it in /proc). */
  cpuTicks?: number;
}

/** Events every executor reports. */
export interface ExecutorEvents {
  onExit: (e: WorkerExit) => void;
  onStopped: (task: string, result: StopResult, reason: string) => void;
}

/** What the daemon asks of every executor. */
export interface Executor {
  has(task: string): boolean;
  /** Workers alive, or gone with their end not reported yet (a drain waits for 0). */
  readonly size: number;
  list(): LiveWorker[];
  /** Stops one worker; resolves once it is gone. Null when the executor has no such task. */
  stop(task: string, reason: string, graceMs?: number): Promise<StopResult> | null;
  stopAll(reason: string, graceMs?: number): Promise<void>;
  /** Forgets every worker without touching it (they are re-adopted by the next daemon). */
  detachAll(): void;
  /** Idempotent. */
  close(): void;
}

// What the cycle needs from the world, as small interfaces: the real classes fit them as they are,
// and the daemon's unit tests hand in fakes (no processes, no /proc, no network).
import type { JournalEntry, RunState } from '../store/schema.js';
import type { NewJournalEntry } from '../store/journal.js';
import type { StopResult } from '../workers/tree-kill.js';
import type { ProcessRef } from '../store/schema.js';
import type { Spawned } from '../workers/spawn.js';
import type { AttentionEvent } from '../notify/index.js';
import type { KillVerdict, Placement, Preflight } from '../watchdog/index.js';
import type { LiveWorker } from '../executors/types.js';
import type { SlurmExecutor } from '../executors/slurm/executor.js';

export interface JournalPort {
  append(entries: NewJournalEntry[]): Promise<JournalEntry[]>;
  /** Bytes in the journal file. */
  readonly bytes: number;
}

export interface StorePort {
  save(state: RunState, changed?: ReadonlySet<string>): Promise<void>;
  /** Size of the last snapshot written (0 before the first). */
  readonly lastBytes: number;
}

export type { LiveWorker };

export interface PoolPort {
  readonly size: number;
  has(task: string): boolean;
  list(): LiveWorker[];
  track(task: string, attempt: number, marker: string, attemptDirAbs: string, spawned: Spawned, deadline: Date | null, termRootOnly: boolean): void;
  adopt(task: string, attempt: number, marker: string, attemptDirAbs: string, ref: ProcessRef, deadline: Date | null, termRootOnly: boolean): void;
  stop(task: string, reason: string, graceMs?: number): Promise<StopResult> | null;
  stopAll(reason: string, graceMs?: number): Promise<void>;
  detachAll(): void;
  /** The router's (issue 18): the Slurm executor, made on first use; live figures of remote jobs; closing. */
  slurm?(): SlurmExecutor;
  remoteResources?(): Record<string, string>;
  close?(): void;
}

export interface WatchdogPort {
  readonly limits: { cpuPercent: number; memPercent: number; memBytes: number };
  track(taskId: string, marker: string, root: { pid: number; startTicks: number | null; supervisor?: boolean } | null): void;
  untrack(taskId: string): void;
  preflight(): Preflight;
  placement(taskId: string): Placement;
  start(): void;
  close(): void;
}

export interface NotifierPort {
  notify(e: AttentionEvent): void;
  close(): Promise<void>;
}

export type { KillVerdict };

// The daemon's one view of its workers, wherever they run: local process trees (the WorkerPool, as
// before) and, once a task asks for it, Slurm jobs. Each task lives in exactly one executor; the
// router sends each request to the one that has it. The Slurm executor is created on first use, so a
// run that never uses Slurm never runs a Slurm command.
import type { Config } from '../config/schema.js';
import { WorkerPool, type PoolOptions } from '../daemon/pool.js';
import type { ProcessRef } from '../store/schema.js';
import type { KillVerdict } from '../watchdog/verdict.js';
import type { Spawned } from '../workers/spawn.js';
import type { StopResult } from '../workers/tree-kill.js';
import { SlurmExecutor } from './slurm/executor.js';
import type { Executor, LiveWorker } from './types.js';

export interface RouterOptions extends PoolOptions {
  config: Config;
  env: NodeJS.ProcessEnv;
  runId: () => string;
  since: () => string;
  /** A remote watchdog verdict (sstat), handled like the local watchdog's. */
  onKill: (task: string, verdict: KillVerdict) => void;
  onNotice: (msg: string, task?: string) => void;
}

export class ExecutorRouter implements Executor {
  readonly local: WorkerPool;
  private remote: SlurmExecutor | null = null;
  private closed = false;

  constructor(private readonly o: RouterOptions) {
    this.local = new WorkerPool(o);
  }

  /** The Slurm executor, created on first use. */
  slurm(): SlurmExecutor {
    this.remote ??= new SlurmExecutor({
      config: this.o.config,
      env: this.o.env,
      runId: this.o.runId,
      since: this.o.since,
      onExit: this.o.onExit,
      onStopped: this.o.onStopped,
      onKill: this.o.onKill,
      onNotice: this.o.onNotice,
    });
    return this.remote;
  }

  has(task: string): boolean {
    return this.local.has(task) || (this.remote?.has(task) ?? false);
  }

  get size(): number {
    return this.local.size + (this.remote?.size ?? 0);
  }

  list(): LiveWorker[] {
    return [...this.local.list(), ...(this.remote?.list() ?? [])];
  }

  /** Resource lines of remote workers (local ones come from the local watchdog). */
  remoteResources(): Record<string, string> {
    return this.remote?.resources() ?? {};
  }

  track(task: string, attempt: number, marker: string, attemptDirAbs: string, spawned: Spawned, deadline: Date | null, termRootOnly: boolean): void {
    this.local.track(task, attempt, marker, attemptDirAbs, spawned, deadline, termRootOnly);
  }

  adopt(task: string, attempt: number, marker: string, attemptDirAbs: string, ref: ProcessRef, deadline: Date | null, termRootOnly: boolean): void {
    this.local.adopt(task, attempt, marker, attemptDirAbs, ref, deadline, termRootOnly);
  }

  stop(task: string, reason: string, graceMs?: number): Promise<StopResult> | null {
    if (this.local.has(task)) return this.local.stop(task, reason, graceMs);
    return this.remote?.stop(task, reason) ?? null;
  }

  async stopAll(reason: string, graceMs?: number): Promise<void> {
    await Promise.all([this.local.stopAll(reason, graceMs), this.remote?.stopAll(reason)]);
  }

  detachAll(): void {
    this.local.detachAll();
    this.remote?.detachAll();
  }

  /** Idempotent: forgets remote jobs without cancelling them (the next daemon re-adopts them). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.remote?.close();
  }
}

// The live workers: processes this daemon started (it gets their exit events) or adopted after a
// restart (it polls /proc for them, since only a parent can wait for a process). Each one has a
// budget timer. Exits are reported through onExit; the daemon decides what they mean.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { processMatches } from '../proc/index.js';
import type { ProcessRef } from '../store/schema.js';
import { errnoCode } from '../util/errors.js';
import type { RunnerExit } from '../workers/runner.js';
import type { Exit, Spawned } from '../workers/spawn.js';
import type { WorkerExit } from '../executors/types.js';
import { stopTree, type StopResult } from '../workers/tree-kill.js';

export type { WorkerExit };

interface Handle {
  task: string;
  attempt: number;
  marker: string;
  attemptDirAbs: string;
  ref: ProcessRef;
  adopted: boolean;
  stopReason: string | null;
  stopping: Promise<StopResult> | null;
  timer: NodeJS.Timeout | null;
  poll: NodeJS.Timeout | null;
  termRootOnly: boolean;
  /** The root process has exited; the handle waits for the rest of the tree. */
  exited: boolean;
  /** Resolves once onExit has been called for this worker. */
  reported: Promise<void>;
  markReported: () => void;
}

/** How long past the grace stopAll waits for exits to be reported (an adopted worker's poll, a slow exit event). */
const REPORT_WAIT_MS = 5000;

export interface PoolOptions {
  graceMs: number;
  adoptPollMs: number;
  onExit: (e: WorkerExit) => void;
  onStopped: (task: string, result: StopResult, reason: string) => void;
}

export class WorkerPool {
  private handles = new Map<string, Handle>();

  constructor(private readonly opts: PoolOptions) {}

  has(task: string): boolean {
    return this.handles.has(task);
  }

  /** Workers alive, or gone with their exit not reported yet (so a drain cannot end early). */
  get size(): number {
    return this.handles.size;
  }

  /** Workers whose root still runs: for stall checks and live usage. */
  list(): Array<{ task: string; attempt: number; marker: string; attemptDirAbs: string; ref: ProcessRef }> {
    return [...this.handles.values()]
      .filter((h) => !h.exited)
      .map((h) => ({ task: h.task, attempt: h.attempt, marker: h.marker, attemptDirAbs: h.attemptDirAbs, ref: h.ref }));
  }

  /** Track a process this daemon just spawned. */
  track(task: string, attempt: number, marker: string, attemptDirAbs: string, spawned: Spawned, deadline: Date | null, termRootOnly: boolean): void {
    const h = this.add(task, attempt, marker, attemptDirAbs, spawned.ref, false, deadline, termRootOnly);
    void spawned.exited.then((exit) => this.finish(h, exit));
  }

  /** Track a live process started by an earlier daemon. */
  adopt(task: string, attempt: number, marker: string, attemptDirAbs: string, ref: ProcessRef, deadline: Date | null, termRootOnly: boolean): void {
    const h = this.add(task, attempt, marker, attemptDirAbs, ref, true, deadline, termRootOnly);
    const check = () => {
      if (!this.handles.has(task) || this.handles.get(task) !== h) return;
      if (processMatches(ref)) {
        h.poll = setTimeout(check, this.opts.adoptPollMs);
        return;
      }
      // Not our child, so no exit status of our own: the runner's exit.json says how it ended.
      void readExitFile(attemptDirAbs).then((x) => this.finish(h, x ? { code: x.code, signal: x.signal as NodeJS.Signals | null } : null));
    };
    h.poll = setTimeout(check, this.opts.adoptPollMs);
  }

  private add(task: string, attempt: number, marker: string, dir: string, ref: ProcessRef, adopted: boolean, deadline: Date | null, termRootOnly: boolean): Handle {
    let markReported = () => {};
    const reported = new Promise<void>((resolve) => {
      markReported = resolve;
    });
    const h: Handle = { task, attempt, marker, attemptDirAbs: dir, ref, adopted, stopReason: null, stopping: null, timer: null, poll: null, exited: false, termRootOnly, reported, markReported };
    this.handles.set(task, h);
    if (deadline) {
      const ms = Math.max(0, deadline.getTime() - Date.now());
      h.timer = setTimeout(() => void this.stop(task, 'timeout'), ms);
    }
    return h;
  }

  private finish(h: Handle, exit: Exit | null): void {
    if (this.handles.get(h.task) !== h || h.exited) return;
    h.exited = true;
    if (h.timer) clearTimeout(h.timer);
    if (h.poll) clearTimeout(h.poll);
    // The handle stays until the whole tree is gone, so a forced stop still reaches leftovers and a
    // retry can never overlap with this attempt. Being stopped: wait for that; otherwise the root
    // is gone but may have left marked descendants behind (backgrounded jobs): reap them now.
    const gone = h.stopping ?? stopTree(null, h.marker, { graceMs: 0 });
    const report = () => {
      if (this.handles.get(h.task) === h) this.handles.delete(h.task);
      this.opts.onExit({ task: h.task, attempt: h.attempt, exit, stopReason: h.stopReason, adopted: h.adopted });
      h.markReported();
    };
    void gone.then(report, report);
  }

  /** Stop a worker's whole tree. Resolves when nothing with its marker is left. */
  stop(task: string, reason: string, graceMs = this.opts.graceMs): Promise<StopResult> | null {
    const h = this.handles.get(task);
    if (!h) return null;
    if (h.stopping) return h.stopping;
    // A root that already exited on its own keeps its own outcome; this only reaps what it left.
    if (!h.exited) h.stopReason = reason;
    h.stopping = stopTree(h.ref, h.marker, { graceMs, termRootOnly: h.termRootOnly });
    void h.stopping.then((r) => this.opts.onStopped(task, r, reason));
    return h.stopping;
  }

  /** Forget every worker without touching it (shutdown that leaves workers running). */
  detachAll(): void {
    for (const h of this.handles.values()) {
      if (h.timer) clearTimeout(h.timer);
      if (h.poll) clearTimeout(h.poll);
    }
    this.handles.clear();
  }

  /**
   * Stop every worker's tree; resolves when each is gone AND its exit has been reported through
   * onExit (the tree can be gone a moment before the root's exit event arrives; a caller that
   * saves state right after must see the exit). Bounded, so a lost event cannot hold an exit.
   */
  async stopAll(reason: string, graceMs?: number): Promise<void> {
    const handles = [...this.handles.values()];
    await this.stopTrees(reason, graceMs);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, (graceMs ?? this.opts.graceMs) + REPORT_WAIT_MS);
    });
    await Promise.race([Promise.all(handles.map((h) => h.reported)), bound]);
    clearTimeout(timer);
  }

  private async stopTrees(reason: string, graceMs?: number): Promise<void> {
    const waits: Array<Promise<StopResult>> = [];
    for (const h of this.handles.values()) {
      if (graceMs !== undefined && h.stopping) {
        // Already stopping with a longer grace: a forced stop kills now; the first stop then sees
        // an empty tree and resolves too.
        waits.push(stopTree(h.ref, h.marker, { graceMs }));
        continue;
      }
      const s = this.stop(h.task, reason, graceMs);
      if (s) waits.push(s);
    }
    await Promise.all(waits);
  }
}

/**
 * The runner's record of how the worker ended. Only an exit status and the stream summary are taken
 * from it; which process is the worker is never read from a file. A malformed file counts as absent.
 */
export async function readExitFile(attemptDirAbs: string): Promise<RunnerExit | null> {
  let text: string;
  try {
    text = await readFile(path.join(attemptDirAbs, 'exit.json'), 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
  try {
    const x = JSON.parse(text) as Partial<RunnerExit>;
    const code = typeof x.code === 'number' && Number.isInteger(x.code) && x.code >= 0 && x.code <= 255 ? x.code : null;
    const signal = typeof x.signal === 'string' && /^SIG[A-Z0-9]+$/.test(x.signal) ? x.signal : null;
    if (code === null && signal === null && !x.spawnError) return null;
    return { code, signal, endedAt: String(x.endedAt ?? ''), summary: x.summary as RunnerExit['summary'], ...(x.spawnError ? { spawnError: String(x.spawnError) } : {}) };
  } catch {
    return null; // a worker may have scribbled over it; treat as no record
  }
}

// The daemon: one per project, holding the lock, running one cycle at a time.
//
// Modes:
//   starting  – task file read and validated, lock taken, state loaded (or recovered), live workers
//               from an earlier daemon re-adopted, leftovers reaped. Nothing is spawned before the
//               first cycle.
//   running   – cycles run on wakes: the heartbeat timer, a task.md save, `aura wake`, a worker
//               exit, evidence ready, a retry falling due. Between cycles it sleeps (no polling).
//   draining  – after the first SIGINT/SIGTERM or `aura stop`: nothing new is spawned; workers
//               get SIGTERM, a grace period, then SIGKILL (or are left running with
//               --leave-workers); the last cycle records how they ended.
//   stopped   – state saved, progress.md written, lock released. A second signal while draining
//               forces: every marked process is killed at once.
//
// Every cycle: gather (task.md, worker exits, evidence) → decide (rules planner) → apply (spawn,
// block, check) → persist (journal first, then the state snapshot) → render progress.md → sleep.
import path from 'node:path';
import { afterCycle } from '../core/after-cycle.js';
import { SHUTDOWN_REASON } from '../core/tree.js';
import type { DaemonInfo } from '../progress/types.js';
import { statusLine } from '../progress/status-line.js';
import type { Journal } from '../store/journal.js';
import { layoutFor, type Layout } from '../store/layout.js';
import type { LockHandle } from '../store/lock.js';
import { storageError } from '../util/errors.js';
import { ControlServer, type ControlReply, type ControlRequest } from './control.js';
import { answer } from './control-requests.js';
import { statusAtRest } from './status-answer.js';
import { Cycle } from './cycle.js';
import { closeParts, nothingHeld, openParts, type Held } from './daemon-open.js';
import { dashboardHost } from './dashboard-host.js';
import { stopWorkersForExit, sweepLeftovers } from './exit-guard.js';
import type { DaemonOptions } from './daemon-options.js';
import { RotatingLog } from './log-file.js';
import { ProcessHooks } from './process-hooks.js';
import { WakeQueue } from './wake.js';
import { TaskFileWatcher, type FileStamp } from './watch.js';

export type { DaemonOptions } from './daemon-options.js';

export type Mode = 'starting' | 'running' | 'draining' | 'stopped';

export class Daemon {
  readonly layout: Layout;
  private readonly held: Held = nothingHeld();
  private control: ControlServer | null = null;
  private watcher: TaskFileWatcher | null = null;
  private wakes: WakeQueue;
  private cycle: Cycle | null = null;
  private timer: NodeJS.Timeout | null = null;
  private mode: Mode = 'starting';
  private forced = false;
  private resolveDone: ((code: number) => void) | null = null;
  private exitCode = 0;
  private hooks: ProcessHooks | null = null;

  /** --once: the one cycle ran; nothing new starts, and the daemon exits when its workers have ended. */
  private settling = false;

  constructor(private readonly opts: DaemonOptions) {
    this.layout = layoutFor(opts.projectDir);
    this.wakes = new WakeQueue(
      (reasons, started) => this.runCycle(reasons, started),
      (err) => this.cycleFailed(err),
    );
  }

  /** Runs until stopped; resolves with the process exit code. */
  async run(initialText: { text: string; hash: string; stamp?: FileStamp }): Promise<number> {
    const L = this.layout;
    // Handlers first: a signal while starting up is remembered and honoured as soon as the daemon
    // can drain, instead of killing it between its first save and its lock release.
    this.hooks = new ProcessHooks({
      mode: () => this.mode,
      drain: (why) => void this.drain(why),
      force: (sig) => void this.force(sig),
      fatal: (err) => void this.fatal(err),
    });
    try {
      const { socketPath, store, loaded, notable } = await openParts(this.opts, L, this.held);
      const journal = this.held.journal as Journal;
      const lock = this.held.lock as LockHandle;
      this.opts.console?.attachFile(new RotatingLog(path.join(L.logsDir, 'aura.log')));
      this.cycle = new Cycle({
        layout: L,
        journal,
        store,
        notable,
        config: this.opts.config,
        env: this.opts.env,
        taskFile: this.opts.taskFile,
        log: this.opts.log,
        debug: this.opts.debug ?? (() => undefined),
        warn: this.opts.warn ?? this.opts.log,
        wake: (reason) => this.wakes.wakeNoWait(reason),
        daemonInfo: () => ({ pid: process.pid, ...this.infoNow() }),
        atRest: (fn) => this.wakes.atRest(fn),
      });
      await this.cycle.init({
        loaded,
        taskText: initialText,
        lockTakenOver: lock.tookOverFrom,
        journalRepaired: journal.repaired,
      });

      this.cycle.stalls.start();
      this.cycle.watchdog.start();
      this.control = new ControlServer(socketPath, (req) => this.handle(req));
      await this.control.listen();
      // dashboard (issue 17): the same facts and the same control path as the socket's.
      await this.held.dashboard?.serve(dashboardHost({ layout: L, config: this.opts.config, cycle: this.cycle, journal, info: () => ({ pid: process.pid, ...this.infoNow() }), control: (req) => this.handle(req) }));
      this.watcher = new TaskFileWatcher(
        this.opts.taskFile,
        this.opts.config.AURA_TASKFILE_DEBOUNCE_MS,
        () => {
          this.cycle?.markTaskFileDirty();
          this.wakes.wakeNoWait('task file saved');
        },
        (err) => this.opts.log(`task file watcher: ${err instanceof Error ? err.message : String(err)}`),
      );
      await this.watcher.start();
      this.mode = 'running';
      this.opts.log(`aura daemon ${process.pid} watching ${this.opts.taskFile}`);
      if (this.hooks?.pendingSignal) void this.drain(`received ${this.hooks.pendingSignal} while starting`);
      this.opts.console?.startStatus(() => {
        const info = this.infoNow();
        return this.cycle ? statusLine(this.cycle.state, { mode: info.mode, nextWakeAt: info.nextWakeAt, now: new Date() }) : '';
      });
      const done = new Promise<number>((resolve) => {
        this.resolveDone = resolve;
      });
      this.wakes.wakeNoWait('daemon started');
      return await done;
    } catch (err) {
      // A fatal error while starting (after workers may have been adopted): never leave one behind.
      await this.stopWorkersForExit();
      await this.teardown();
      throw err;
    }
  }

  private stopWorkersForExit(): Promise<void> {
    return this.opts.leaveWorkers ? Promise.resolve() : stopWorkersForExit(this.cycle, this.opts.config.AURA_KILL_GRACE_SECONDS * 1000, this.opts.log);
  }

  /** An exception nothing caught: stop every worker, save what can be saved, exit 70. */
  private async fatal(err: unknown): Promise<void> {
    // One fatal error stops the daemon; another while it stops (its own log line failing, say) must
    // not start a second stop, nor log again, which could fail again, for ever.
    if (this.mode === 'stopped' || this.exitCode === 70) return;
    this.opts.log(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}; stopping every worker before exiting`);
    this.exitCode = 70;
    this.mode = 'draining';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.stopWorkersForExit();
    await this.finish();
  }

  private nextWakeAt: string | null = null;

  private infoNow(): Omit<DaemonInfo, 'pid'> {
    return {
      mode: this.mode === 'running' ? (this.wakes.busy && !this.nextWakeAt ? 'running' : 'sleeping') : this.mode === 'draining' ? 'draining' : 'stopped',
      nextWakeAt: this.nextWakeAt,
      startedAt: this.startedAt,
      resources: this.cycle?.resources() ?? {},
    };
  }
  private readonly startedAt = new Date().toISOString();

  private async runCycle(reasons: string[], started: (cycle: number) => void): Promise<void> {
    const c = this.cycle;
    if (!c || this.mode === 'stopped') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextWakeAt = null;
    const result = await c.run(reasons, { draining: this.mode === 'draining' || this.settling }, started);
    const next = afterCycle({ mode: this.mode === 'draining' ? 'draining' : 'running', settling: this.settling, once: this.opts.once, exitWhenDone: this.opts.exitWhenDone, leaveWorkers: this.opts.leaveWorkers, outcome: result.outcome, busy: result.busy });
    if ((next.kind === 'finish' || next.kind === 'drain') && next.exitCode !== undefined) {
      this.exitCode = next.exitCode;
      this.opts.log(result.outcome === 'done' ? 'goal done: every task verified' : `stopping: ${result.stuckReason}`);
    }
    if (next.kind === 'finish') return this.finish();
    if (next.kind === 'drain') return this.drain('the run is over', { stopWorkers: true });
    if (next.kind === 'settle') {
      this.settling = true;
      this.opts.log(`--once: waiting for ${result.busy} worker(s) and check(s) to end; nothing new starts`);
    } else if (next.kind === 'sleep') this.sleep(result.nextDueAt);
    await c.render();
  }

  private sleep(due: Date | null): void {
    const interval = this.opts.config.AURA_CYCLE_INTERVAL * 1000;
    const until = due ? Math.min(Math.max(0, due.getTime() - Date.now()), interval) : interval;
    this.nextWakeAt = new Date(Date.now() + until).toISOString();
    this.timer = setTimeout(() => this.wakes.wakeNoWait(due && until < interval ? 'retry due' : 'interval'), until);
  }

  private cycleFailed(err: unknown): void {
    // A full or read-only disk is a condition to explain, not a bug to dump a stack for.
    const storage = storageError(err);
    const msg = storage ? `${storage.message}; supervision goes on and saving is retried` : err instanceof Error ? (err.stack ?? err.message) : String(err);
    this.opts.log(`cycle failed: ${msg}`);
    // Stopping with a disk that takes no writes: the workers are stopped; what was saved before is
    // what the next daemon starts from (the journal is written ahead), so finish rather than wait.
    if (this.mode === 'draining') {
      void this.finish();
      return;
    }
    // A failed cycle (disk full, a read-only .aura) must not stop supervision: try again shortly.
    if (this.mode === 'running' && !this.timer) {
      this.nextWakeAt = new Date(Date.now() + 5000).toISOString();
      this.timer = setTimeout(() => this.wakes.wakeNoWait('retry after a failed cycle'), 5000);
    }
  }

  private handle(req: ControlRequest): Promise<ControlReply> {
    return answer(
      {
        mode: () => this.mode,
        info: () => (this.cycle ? this.infoNow() : null),
        status: (json) => statusAtRest(this.wakes, () => (this.cycle ? { book: this.cycle.book, daemon: { pid: process.pid, ...this.infoNow() } } : null), json),
        wake: (reason) => this.wakes.wake(reason),
        wakeNoWait: (reason) => this.wakes.wakeNoWait(reason),
        request: (r) => {
          if (!this.cycle) return false;
          this.cycle.request(r);
          return true;
        },
        drain: (why) => void this.drain(why),
      },
      req,
    );
  }

  /** First stop request: no new spawns, stop (or leave) workers, record, exit. */
  async drain(why: string, o: { stopWorkers?: boolean } = {}): Promise<void> {
    if (this.mode !== 'running') return;
    this.mode = 'draining';
    this.settling = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const leave = this.opts.leaveWorkers && !o.stopWorkers;
    this.opts.log(`stopping (${why})${leave ? '; workers are left running' : '; stopping workers'}`);
    const c = this.cycle;
    if (!c) return this.finish();
    c.note(`stopping: ${why}`);
    // A model call in flight would hold the drain for up to AURA_API_TIMEOUT × retries.
    c.llm?.cancel();
    if (leave) {
      c.detachWorkers();
    } else {
      void c.stopAllWorkers(SHUTDOWN_REASON, this.opts.config.AURA_KILL_GRACE_SECONDS * 1000);
    }
    this.wakes.wakeNoWait('stopping');
  }

  /** Second signal: kill everything now. */
  private async force(sig: string): Promise<void> {
    if (this.forced) return;
    this.forced = true;
    this.opts.log(`received ${sig} again: killing every worker now`);
    await this.cycle?.stopAllWorkers(SHUTDOWN_REASON, 0);
    this.wakes.wakeNoWait('forced stop');
  }

  private finishing = false;
  private async finish(): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    this.mode = 'stopped';
    if (!this.opts.leaveWorkers) await sweepLeftovers(this.cycle, this.opts.log);
    try {
      await this.cycle?.close(this.opts.leaveWorkers);
    } catch (err) {
      // The last save failed (full or read-only disk): the journal and the last good snapshot stand.
      const storage = storageError(err);
      this.opts.log(`could not save the final state: ${storage ? storage.message : err instanceof Error ? err.message : String(err)}`);
      if (this.exitCode === 0) this.exitCode = 5;
    }
    await this.teardown();
    this.resolveDone?.(this.exitCode);
  }

  private async teardown(): Promise<void> {
    this.opts.console?.close();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wakes.close();
    this.hooks?.close();
    this.hooks = null;
    await this.watcher?.close();
    this.watcher = null;
    await this.control?.close();
    this.control = null;
    await closeParts(this.held);
  }
}

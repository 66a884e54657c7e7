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
import { mkdir, rm } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import type { RunState } from '../store/schema.js';
import { Journal } from '../store/journal.js';
import { layoutFor, type Layout } from '../store/layout.js';
import { acquireLock, type LockHandle } from '../store/lock.js';
import { StateStore } from '../store/state-store.js';
import { AuraError, storageError } from '../util/errors.js';
import { ControlServer, chooseSocketPath, type ControlReply, type ControlRequest } from './control.js';
import { ensurePrivateRoot } from '../store/private-root.js';
import { makeFilesPrivate } from '../util/umask.js';
import { SHUTDOWN_REASON } from '../core/tree.js';
import { RUN_KEY, stopTree } from '../workers/tree-kill.js';
import { Cycle } from './cycle.js';
import type { OperatorRequest } from './operator.js';
import type { DaemonInfo } from '../progress/types.js';
import path from 'node:path';
import { statusLine } from '../progress/status-line.js';
import { RotatingLog } from './log-file.js';
import { WakeQueue } from './wake.js';
import { TaskFileWatcher, type FileStamp } from './watch.js';
import { openDashboard, type Dashboard } from '../http/open.js'; // dashboard (issue 17)
import { dashboardHost } from './dashboard-host.js'; // dashboard (issue 17)

export interface DaemonOptions {
  taskFile: string; // absolute
  projectDir: string; // absolute
  config: Config;
  env: NodeJS.ProcessEnv;
  once: boolean;
  exitWhenDone: boolean;
  leaveWorkers: boolean;
  log: (line: string) => void;
  /** Warnings a person must see even with --quiet; defaults to log. */
  warn?: (line: string) => void;
  /** Per-cycle detail (--verbose); defaults to nothing. */
  debug?: (line: string) => void;
  /** The foreground console: the rotating log file and the live status line (optional in tests). */
  console?: { attachFile(f: RotatingLog): void; startStatus(render: () => string): void; close(): void; tell?(line: string): void };
  version: string;
}

export type Mode = 'starting' | 'running' | 'draining' | 'stopped';

export class Daemon {
  readonly layout: Layout;
  private lock: LockHandle | null = null;
  private journal: Journal | null = null;
  private control: ControlServer | null = null;
  private dashboard: Dashboard | null = null; // dashboard (issue 17)
  private watcher: TaskFileWatcher | null = null;
  private wakes: WakeQueue;
  private cycle: Cycle | null = null;
  private timer: NodeJS.Timeout | null = null;
  private mode: Mode = 'starting';
  private forced = false;
  private resolveDone: ((code: number) => void) | null = null;
  private exitCode = 0;
  private signalHandlers: Array<[NodeJS.Signals, () => void]> = [];
  private signalWhileStarting: NodeJS.Signals | null = null;
  private fatalHandlers: ((err: unknown) => void) | null = null;
  /** The private directory holding the socket when the project path is too deep for one in .aura/run. */
  private socketDir: string | null = null;

  private async removeSocketDir(): Promise<void> {
    const dir = this.socketDir;
    this.socketDir = null;
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
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
    this.installSignals();
    // Everything aura writes from here on is its owner's alone; workers get the person's umask back.
    makeFilesPrivate();
    await ensurePrivateRoot(L.root);
    await mkdir(L.stateDir, { recursive: true });
    await mkdir(L.memoryDir, { recursive: true });
    await mkdir(L.workspaceDir, { recursive: true });
    await mkdir(L.runDir, { recursive: true });
    const { socketPath, privateDir } = await chooseSocketPath(L.runDir);
    this.socketDir = privateDir;
    // Lets `ps` (and the lock's liveness check, which looks for "aura" in the command line) see
    // what this process is, however it was started.
    process.title = `aura ${this.opts.taskFile}`;
    try {
      this.lock = await acquireLock(L, {
        socketPath,
        version: this.opts.version,
        taskFile: this.opts.taskFile,
      });
    } catch (err) {
      await this.removeSocketDir();
      throw err;
    }
    try {
      // dashboard (issue 17): bound before anything is written, so a busy port fails the start cleanly.
      this.dashboard = await openDashboard({ config: this.opts.config, env: this.opts.env, runDir: L.runDir, lock: this.lock, log: this.opts.log, tell: (line) => this.opts.console?.tell?.(line) });
      const store = new StateStore(L);
      const loaded = await store.load();
      // If journal.jsonl was lost but state.json survived, new entries must not reuse old numbers.
      this.journal = await Journal.open(L, { seqFloor: loaded.state?.journalSeq ?? 0 });
      this.opts.console?.attachFile(new RotatingLog(path.join(L.logsDir, 'aura.log')));
      this.cycle = new Cycle({
        layout: L,
        journal: this.journal,
        store,
        config: this.opts.config,
        env: this.opts.env,
        taskFile: this.opts.taskFile,
        log: this.opts.log,
        debug: this.opts.debug ?? (() => undefined),
        warn: this.opts.warn ?? this.opts.log,
        wake: (reason) => this.wakes.wakeNoWait(reason),
        daemonInfo: () => ({ pid: process.pid, ...this.infoNow() }),
      });
      await this.cycle.init({
        loaded,
        taskText: initialText,
        lockTakenOver: this.lock.tookOverFrom,
        journalRepaired: this.journal.repaired,
      });

      this.cycle.stalls.start();
      this.cycle.watchdog.start();
      this.control = new ControlServer(socketPath, (req) => this.handle(req));
      await this.control.listen();
      // dashboard (issue 17): the same facts and the same control path as the socket's.
      await this.dashboard?.serve(dashboardHost({ layout: L, config: this.opts.config, cycle: this.cycle, journal: this.journal, info: () => ({ pid: process.pid, ...this.infoNow() }), control: (req) => this.handle(req) }));
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
      if (this.signalWhileStarting) void this.drain(`received ${this.signalWhileStarting} while starting`);
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

  /**
   * Before the process exits for any reason other than --leave-workers: every worker tree (and every
   * evidence check) is stopped and gone. aura never exits with a worker alive.
   */
  private async stopWorkersForExit(): Promise<void> {
    const c = this.cycle;
    if (!c || this.opts.leaveWorkers) return;
    try {
      await c.stopAllWorkers(SHUTDOWN_REASON, this.opts.config.AURA_KILL_GRACE_SECONDS * 1000);
    } catch (err) {
      this.opts.log(`stopping workers before exit failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * The last line of defence before exiting: any process still carrying this run's id (none should,
   * every exit path stops its workers first) is stopped, and the log says so, since it means a bug.
   */
  private async sweepLeftovers(): Promise<void> {
    const c = this.cycle;
    if (!c || this.opts.leaveWorkers) return;
    try {
      const r = await stopTree(null, c.state.runId, { graceMs: 1000, key: RUN_KEY });
      if (r.signalled > 0) this.opts.log(`found ${r.signalled} process(es) of this run still alive at exit and stopped them${r.survivors.length ? `; PIDs ${r.survivors.join(', ')} survive SIGKILL` : ''}`);
    } catch (err) {
      this.opts.log(`could not check for leftover processes: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** An exception nothing caught: stop every worker, save what can be saved, exit 70. */
  private async fatal(err: unknown): Promise<void> {
    if (this.mode === 'stopped') return;
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
    if (this.mode === 'draining' || this.settling) {
      if (result.busy === 0) await this.finish();
      else await c.render();
      return;
    }
    if (this.opts.exitWhenDone && (result.outcome === 'done' || result.outcome === 'stuck')) {
      this.exitCode = result.outcome === 'done' ? 0 : 1;
      this.opts.log(result.outcome === 'done' ? 'goal done: every task verified' : `stopping: ${result.stuckReason}`);
      // Nothing of the run may outlive the daemon: a worker still being stopped (a task removed
      // from task.md) or a check in flight is stopped and waited for first.
      if (result.busy > 0) return this.drain('the run is over', { stopWorkers: true });
      await this.finish();
      return;
    }
    if (this.opts.once) {
      if (result.busy === 0 || this.opts.leaveWorkers) {
        await this.finish();
        return;
      }
      // One cycle of decisions; then the workers it started finish and are judged, nothing new starts.
      this.settling = true;
      this.opts.log(`--once: waiting for ${result.busy} worker(s) and check(s) to end; nothing new starts`);
      await c.render();
      return;
    }
    this.sleep(result.nextDueAt);
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

  private async handle(req: ControlRequest): Promise<ControlReply> {
    switch (req.cmd) {
      case 'ping': {
        // What `aura status` shows of the live daemon (state.json holds the rest).
        const info = this.cycle ? this.infoNow() : null;
        return { ok: true, pid: process.pid, ...(info ?? { mode: this.mode }) };
      }
      case 'wake': {
        if (this.mode !== 'running') return { ok: false, error: `the daemon is ${this.mode}; it takes no wakes now` };
        const reason = typeof req.reason === 'string' && req.reason.trim() ? req.reason.trim().slice(0, 200) : 'aura wake';
        const c = await this.wakes.wake(`aura wake: ${reason}`);
        return { ok: true, pid: process.pid, cycle: c.cycle, startedAt: c.startedAt.toISOString() };
      }
      case 'kill':
      case 'retry':
      case 'pause':
      case 'resume': {
        if (this.mode !== 'running' || !this.cycle) return { ok: false, error: `the daemon is ${this.mode}` };
        const cycle = this.cycle;
        const answer = new Promise<{ ok: boolean; message: string }>((done) =>
          cycle.request({
            cmd: req.cmd as OperatorRequest['cmd'],
            ...(typeof req.task === 'string' ? { task: req.task } : {}),
            ...(typeof req.reason === 'string' ? { reason: req.reason.slice(0, 200) } : {}),
            done,
          }),
        );
        this.wakes.wakeNoWait(`aura ${req.cmd}${typeof req.task === 'string' ? ` ${req.task}` : ''}`);
        const a = await answer;
        return a.ok ? { ok: true, pid: process.pid, message: a.message } : { ok: false, error: a.message };
      }
      case 'stop':
        void this.drain(typeof req.reason === 'string' ? req.reason : 'aura stop');
        return { ok: true, pid: process.pid, mode: 'draining' };
      default:
        return { ok: false, error: `unknown command "${req.cmd}"` };
    }
  }

  private installSignals(): void {
    const onFatal = (err: unknown) => void this.fatal(err);
    process.on('uncaughtException', onFatal);
    process.on('unhandledRejection', onFatal);
    this.fatalHandlers = onFatal;
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[]) {
      const h = () => {
        if (this.mode === 'starting') {
          this.signalWhileStarting ??= sig;
          return;
        }
        if (this.mode === 'draining') void this.force(sig);
        else void this.drain(`received ${sig}`);
      };
      process.on(sig, h);
      this.signalHandlers.push([sig, h]);
    }
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
    await this.sweepLeftovers();
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
    for (const [sig, h] of this.signalHandlers) process.off(sig, h);
    this.signalHandlers = [];
    if (this.fatalHandlers) {
      process.off('uncaughtException', this.fatalHandlers);
      process.off('unhandledRejection', this.fatalHandlers);
      this.fatalHandlers = null;
    }
    await this.watcher?.close();
    this.watcher = null;
    await this.control?.close();
    this.control = null;
    await this.removeSocketDir();
    await this.dashboard?.close(); // dashboard (issue 17)
    this.dashboard = null;
    await this.journal?.close();
    this.journal = null;
    await this.lock?.release();
    this.lock = null;
  }
}

export function assertSameTaskFile(state: RunState | null, taskFile: string, projectDir: string): void {
  if (state && state.taskFile !== taskFile) {
    throw new AuraError(
      'BAD_USAGE',
      `${projectDir}/.aura belongs to ${state.taskFile}, not ${taskFile}`,
      `run aura on ${state.taskFile}, or give this task file its own directory (or --project <dir>)`,
    );
  }
}

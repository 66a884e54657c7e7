// The Slurm executor: one batch job per attempt, supervised without hammering the controller.
//
// Life of a job here:
//   submitting – the handle (with the job's name) exists before sbatch runs, so the job is never
//                taken for a stranger's, and a lost sbatch answer is followed up by name, never by
//                submitting again;
//   queued / running – seen in the one batched `squeue` per poll (every AURA_SLURM_POLL_SECONDS,
//                longer while the controller is slow or failing: backoff.ts);
//   final      – a final state in the listing, or gone from it for AURA_SLURM_MISSING_SECONDS (or
//                at once when its exit record is there): judged in finish.ts, reported as one
//                WorkerExit.
// Stopping is `scancel`, one call for every job being stopped. Live jobs of this run that no
// attempt follows any more are cancelled as leftovers, so a task never runs twice at once.
import os from 'node:os';
import { chmod, writeFile } from 'node:fs/promises';
import type { Config } from '../../config/schema.js';
import type { WorkerExit } from '../../daemon/pool.js';
import { limitsFromConfig } from '../../watchdog/limits.js';
import type { KillVerdict } from '../../watchdog/verdict.js';
import type { StopResult } from '../../workers/tree-kill.js';
import type { Executor, ExecutorEvents, LiveWorker } from '../types.js';
import { scancelArgv, squeueArgv, sstatArgv } from './argv.js';
import { Canceller } from './cancels.js';
import { nextPollMs, stoppingPollMs, type LastCall } from './backoff.js';
import { Controller, type SlurmCaller } from './controller.js';
import { describeSlurmError, SlurmError } from './errors.js';
import { collectEnds, type Ender } from './finish.js';
import { newHandle, type JobHandle } from './handle.js';
import { JobMonitor } from './monitor.js';
import { parseSbatch, parseSqueue, parseSstat, type QueueRow } from './parse.js';
import { reconcile } from './reconcile.js';
import { PollStats } from './stats.js';
import { buildSubmission, type Submitted, type SubmitSpec } from './submission.js';

export type { Submitted, SubmitSpec } from './submission.js';

export interface SlurmExecutorOptions extends ExecutorEvents {
  config: Config;
  /** The daemon's environment: the Slurm commands run in it (PATH, SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  runId: () => string;
  /** When the run began: sacct looks for jobs by name from then on. */
  since: () => string;
  onKill: (task: string, verdict: KillVerdict) => void;
  onNotice: (msg: string, task?: string) => void;
  controller?: Controller;
  user?: string;
}

export class SlurmExecutor implements Executor {
  readonly ctl: Controller;
  private readonly handles = new Map<string, JobHandle>();
  private readonly monitor: JobMonitor;
  private readonly user: string;
  private readonly pace: { baseMs: number; maxMs: number };
  private readonly ender: Ender;
  private readonly canceller: Canceller;
  private last: LastCall = { failures: 0, durationMs: 0 };
  private timer: NodeJS.Timeout | null = null;
  private sampler: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private closed = false;
  private readonly noticed = new Set<string>();
  /** For the benchmark: polls done, controller calls per poll, squeue's durations. */
  readonly stats = new PollStats();

  constructor(private readonly o: SlurmExecutorOptions) {
    const c = o.config;
    this.ctl = o.controller ?? new Controller({ env: o.env, timeoutMs: c.AURA_SLURM_COMMAND_TIMEOUT * 1000 });
    this.user = o.user ?? os.userInfo().username;
    this.pace = { baseMs: c.AURA_SLURM_POLL_SECONDS * 1000, maxMs: Math.max(c.AURA_SLURM_POLL_SECONDS, c.AURA_SLURM_POLL_MAX_SECONDS) * 1000 };
    this.monitor = new JobMonitor(limitsFromConfig(c), (task, v) => o.onKill(task, v), (m) => this.noticeOnce(m));
    this.canceller = new Canceller({ user: this.user, notice: (m) => this.noticeOnce(m) });
    this.ender = { ctl: this.ctl, user: this.user, since: o.since, settleMs: Math.max(5000, 2 * this.pace.baseMs), peak: (t) => this.monitor.peakBytes(t), notice: (m) => this.noticeOnce(m) };
  }

  has(task: string): boolean {
    return this.handles.has(task);
  }

  get size(): number {
    return this.handles.size;
  }

  /**
   * Jobs that run now. A queued job is not listed: it has no output and no CPU time to show, and the
   * stall monitor would take a long queue for a stall.
   */
  list(): LiveWorker[] {
    return [...this.handles.values()]
      .filter((h) => h.phase === 'running')
      .map((h) => ({ task: h.task, attempt: h.attempt, marker: h.marker, attemptDirAbs: h.attemptDirAbs, cpuTicks: this.monitor.cpuTicks(h.task) ?? 0 }));
  }

  /** Resource lines of running jobs, from sstat. */
  resources(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const h of this.handles.values()) {
      const line = this.monitor.line(h.task);
      if (line) out[h.task] = line;
    }
    return out;
  }

  /** Writes the job script and submits it; the handle exists (by name) before sbatch runs. */
  async submit(s: SubmitSpec): Promise<Submitted> {
    if (this.closed) throw new SlurmError('SLURM_CONTROLLER', 'the Slurm executor is closed', 'aura is stopping');
    const held = this.handles.get(s.task);
    if (held) throw new SlurmError('SLURM_REFUSED', `${s.task} already has a job (${held.name})`, 'one attempt of a task at a time; this is a bug in aura');
    const sub = buildSubmission(s, this.o.config, this.o.env, process.execPath);
    await writeFile(sub.scriptPath, sub.scriptText);
    await chmod(sub.scriptPath, 0o755);
    const h = newHandle({ ...s, adopted: false, phase: 'submitting', memLimitBytes: s.resources.memBytes, cpus: s.resources.cpus });
    this.handles.set(s.task, h);
    try {
      const r = await this.ctl.call(sub.argv, { env: sub.env });
      h.jobId = parseSbatch(r.stdout).jobId;
      h.phase = 'queued';
      if (h.cancelPending) void this.sendCancels();
      this.schedule();
      return { jobId: h.jobId, argv: sub.argv };
    } catch (err) {
      // Lost answer: the job may exist. It is found by name, or judged lost after the grace; never resubmitted.
      if (err instanceof SlurmError && (err.code === 'SLURM_TIMEOUT' || err.code === 'SLURM_UNPARSABLE')) {
        h.phase = 'queued';
        if (h.cancelPending) void this.sendCancels();
        this.schedule();
        return { jobId: null, argv: sub.argv, note: `${err.message}; the job may exist, so aura looks for it by its name instead of submitting again` };
      }
      this.handles.delete(s.task);
      throw err;
    }
  }

  /** A job of an earlier daemon: found again by its name; the id from the state file is only a hint. */
  adopt(a: { task: string; attempt: number; marker: string; name: string; attemptDirAbs: string; memLimitBytes: number | null }): void {
    if (this.closed) return;
    this.handles.set(a.task, newHandle({ ...a, adopted: true, phase: 'queued', cpus: null }));
    this.schedule(0);
  }

  stop(task: string, reason: string): Promise<StopResult> | null {
    const h = this.handles.get(task);
    if (!h) return null;
    const p = new Promise<StopResult>((resolve) => h.stopWaiters.push(resolve));
    if (h.stopAt !== null) return p;
    h.stopAt = Date.now();
    // A job that already ended keeps its own end; aura only waits for the report.
    if (h.phase !== 'final') {
      h.stopReason = reason;
      h.cancelPending = true;
      void this.sendCancels();
    }
    this.schedule(0);
    return p;
  }

  async stopAll(reason: string): Promise<void> {
    const waits = [...this.handles.keys()].map((t) => this.stop(t, reason)).filter((p): p is Promise<StopResult> => p !== null);
    await Promise.all(waits);
  }

  detachAll(): void {
    this.handles.clear();
    this.clearTimers();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.detachAll();
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.sampler) clearInterval(this.sampler);
    this.timer = null;
    this.sampler = null;
  }

  /** The next poll: soon (ms given), or at the pace the controller allows. */
  private schedule(ms?: number): void {
    if (this.closed || this.handles.size === 0) return;
    if (this.timer && ms === undefined) return;
    if (this.timer) clearTimeout(this.timer);
    const stopping = [...this.handles.values()].some((h) => h.stopAt !== null);
    const delay = ms ?? (stopping ? stoppingPollMs(this.pace, this.last) : nextPollMs(this.pace, this.last));
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll().finally(() => this.schedule());
    }, delay);
    // sstat feeds the watchdog and the stall monitor (a remote job's CPU time is its sign of life).
    if (!this.sampler && (this.o.config.AURA_WORKER_RESOURCE_GUARD || this.o.config.AURA_STALL_SECONDS > 0)) {
      this.sampler = setInterval(() => void this.sample(), this.o.config.AURA_WORKER_RESOURCE_POLL_SECONDS * 1000);
      this.sampler.unref();
    }
  }

  /** One poll: the listing, then whatever it says ended. Public for tests and the benchmark. */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    if (this.closed || this.handles.size === 0) return;
    const ctl = this.ctl.counting();
    this.ender.ctl = ctl;
    this.stats.polls++;
    try {
      if ([...this.handles.values()].some((h) => h.cancelPending)) await this.sendCancels(ctl);
      let listing;
      try {
        const r = await ctl.call(squeueArgv(this.user));
        listing = parseSqueue(r.stdout);
        this.last = { failures: 0, durationMs: r.durationMs };
        this.stats.squeue(r.durationMs);
      } catch (err) {
        this.last = { failures: this.last.failures + 1, durationMs: 0 };
        this.noticeOnce(`squeue failed (${this.last.failures} in a row): ${describeSlurmError(err)}; aura backs off and asks again`);
        return;
      }
      await this.follow(listing, ctl);
    } catch (err) {
      // An unreadable attempt directory, say: the jobs stay followed and the next poll tries again.
      this.noticeOnce(`following the jobs failed: ${err instanceof Error ? err.message : String(err)}; aura tries again at the next poll`);
    } finally {
      this.stats.calls(ctl.count);
      this.ender.ctl = this.ctl;
    }
  }

  /** What one listing means: moves, leftovers, and the ends to report. */
  private async follow(listing: QueueRow[], ctl: SlurmCaller): Promise<void> {
    const now = Date.now();
    const graceMs = this.o.config.AURA_SLURM_MISSING_SECONDS * 1000;
    const r = reconcile(this.handles.values(), listing, { runId: this.o.runId(), now, graceMs, overdueMs: Math.max(120_000, 2 * this.pace.baseMs) });
    for (const n of r.notices) (n.once ? this.noticeOnce(n.msg) : this.o.onNotice(n.msg, n.task));
    for (const h of r.overdue) void this.stop(h.task, 'timeout');
    if (r.strays.length) {
      this.o.onNotice(`cancelling ${r.strays.length} job(s) of this run that no attempt follows any more: ${r.strays.map((x) => `${x.jobId} (${x.name})`).join(', ')}`);
      await ctl.call(scancelArgv(r.strays.map((x) => x.jobId))).catch((err: unknown) => this.noticeOnce(`scancel of leftover jobs failed: ${describeSlurmError(err)}`));
    }
    if (r.ending.length === 0) return;
    for (const e of await collectEnds(this.ender, r.ending, now, graceMs)) this.report(e.h, e.exit);
  }

  private report(h: JobHandle, exit: WorkerExit): void {
    if (this.handles.get(h.task) !== h) return;
    h.phase = 'final';
    this.handles.delete(h.task);
    this.monitor.forget(h.task);
    if (this.handles.size === 0 && this.sampler) {
      clearInterval(this.sampler);
      this.sampler = null;
    }
    if (h.stopAt !== null) {
      const result: StopResult = { signalled: h.stopReason ? 1 : 0, forced: false, survivors: [], durationMs: Date.now() - h.stopAt };
      if (h.stopReason) this.o.onStopped(h.task, result, h.stopReason);
      for (const w of h.stopWaiters) w(result);
    }
    this.o.onExit(exit);
  }

  private sendCancels(ctl: SlurmCaller = this.ctl): Promise<void> {
    return this.canceller.send(() => this.handles.values(), ctl);
  }

  /** One sstat for every running job, at the watchdog's poll interval. */
  private async sample(): Promise<void> {
    const running = [...this.handles.values()].filter((h) => h.phase === 'running' && h.jobId !== null);
    if (running.length === 0 || this.closed) return;
    try {
      // sstat exits 1 when a job in the list has no running step any more; the others still count.
      const r = await this.ctl.call(sstatArgv(running.map((h) => h.jobId as string)), { okCodes: [1] });
      this.monitor.feed(
        Date.now(),
        running.map((h) => ({ task: h.task, jobId: h.jobId as string, cpus: h.cpus })),
        parseSstat(r.stdout),
      );
    } catch (err) {
      this.noticeOnce(`sstat failed: ${describeSlurmError(err)}; jobs on other machines are not measured until it works`);
    }
  }

  private noticeOnce(msg: string): void {
    const key = msg.replace(/\d+/g, '#');
    if (this.noticed.has(key)) return;
    this.noticed.add(key);
    this.o.onNotice(msg);
  }
}

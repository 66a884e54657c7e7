// One cycle of the loop, and the run state it owns: gather → decide → apply → persist → render.
// The decisions themselves live in src/core (pure); this file does the I/O around them.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import { readFileTail } from '../util/tail-file.js';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { applyTaskFile } from '../core/apply-taskfile.js';
import { judge, roundBaseline, shouldRunVerify } from '../core/evidence.js';
import { judgedBy } from '../core/contract.js';
import { afterEvidence, type RetryPolicy } from '../core/outcome.js';
import { planRules } from '../core/rules-planner.js';
import { GOAL_ID, goalDone, currentAttempt, liveTasks, runningTasks } from '../core/tree.js';
import { transition, type JournalDraft } from '../core/transitions.js';
import type { Journal } from '../store/journal.js';
import type { Layout } from '../store/layout.js';
import type { Attempt, Evidence, JournalEntry, RunState, TaskState } from '../store/schema.js';
import { readJournalTail } from '../store/journal.js';
import type { LoadResult, StateStore } from '../store/state-store.js';
import { readTaskFile } from '../taskfile/read.js';
import { parseTaskFile } from '../taskfile/parse.js';
import type { TaskFileSpec } from '../taskfile/spec.js';
import { AuraError } from '../util/errors.js';
import { resolveWorker, workerProblem, type ResolvedWorker } from '../workers/registry.js';
import { workerEnv } from '../workers/shell.js';
import { stopTree, type StopResult } from '../workers/tree-kill.js';
import { gatherArtifacts, type HashLimits } from './artifacts.js';
import { launch, prepareAttempt } from './attempts.js';
import { readExitFile, type WorkerExit } from './pool.js';
import { ExecutorRouter } from '../executors/router.js';
import { executorFor } from '../executors/types.js';
import { executorProblem } from '../executors/problems.js';
import { spawnSlurm, type SlurmSpawnHost } from '../executors/slurm/attempt.js';
import { renderProgress, type DaemonInfoFn } from './render.js';
import { writeSummaries } from '../summaries/write.js';
import { BUDGET_STOP_REASON, SHUTDOWN_REASON } from '../core/tree.js';
import { budgetExceeded, runTotals, type Totals } from '../core/budget.js';
import { STALL_PREFIX } from '../core/stall.js';
import { liveUsage, readRunnerStatus } from './live-status.js';
import { StallMonitor } from './stall-monitor.js';
import { Notifier } from '../notify/index.js';
import { notifyConfigFrom } from '../notify/from-config.js';
import { detectCgroup, resourceLine, scopeArgv, scopeLimits, Watchdog, type CgroupSupport, type KillVerdict } from '../watchdog/index.js';
import { applyOperatorRequest, type OperatorHost, type OperatorRequest } from './operator.js';
import { resourceFixSubtask, watchdogEscalation } from './resource-fix.js';
import { WATCHDOG_PREFIX } from '../core/tree.js';
import type { UsageRecord } from '../store/schema.js';
import { recoverWorkers } from './recovery.js';
import { runVerify } from './verify.js';
import type { LlmPlanner } from './llm-planner.js';
import { plannerCycle, describeChange } from './planner-bridge.js';
import { lineDiff } from '../core/line-diff.js';
import { stripComments } from '../taskfile/comments.js';
import { TaskFileProbe, type FileStamp } from './watch.js';
import { reviewSpendCap } from './spend-review.js';

/** Statuses a task summary is written for. */
const FINAL: ReadonlySet<TaskState['status']> = new Set(['done', 'failed', 'blocked', 'archived']);

/** Journal entries kept in memory for progress.md's "last decisions". */
const RECENT = 40;

export interface CycleDeps {
  layout: Layout;
  journal: Journal;
  store: StateStore;
  config: Config;
  env: NodeJS.ProcessEnv;
  taskFile: string;
  log: (line: string) => void;
  debug: (line: string) => void;
  /** Said even with --quiet (a missing spend cap); defaults to log. */
  warn?: (line: string) => void;
  wake: (reason: string) => void;
  daemonInfo: DaemonInfoFn;
  /** Replaces the Anthropic client (tests, benchmarks). */
  modelClient?: import('../planner/client.js').ModelClient;
}

export interface CycleResult {
  outcome: 'working' | 'done' | 'stuck';
  stuckReason?: string;
  nextDueAt: Date | null;
  /** Workers and evidence checks still in flight. */
  busy: number;
}

interface EvidenceResult {
  task: string;
  attempt: number | null;
  evidence: Evidence;
}

export class Cycle {
  state!: RunState;
  private drafts: JournalDraft[] = [];
  private exits: WorkerExit[] = [];
  private evidence: EvidenceResult[] = [];
  private checking = new Map<string, string>(); // task → verify marker
  private taskFileDirty = false;
  private lastBadHash: string | null = null;
  /** Lines for progress.md's note, by topic: a newer note on a topic replaces the older one. */
  private notes = new Map<string, string>();
  private recent: JournalEntry[] = [];
  private draining = false;
  private requests: OperatorRequest[] = [];
  /** A task reached a final status since the last render (a restart checks once too). */
  private summariesDue = true;
  /** Every live worker, local or (issue 18) a Slurm job. */
  readonly pool: ExecutorRouter;
  readonly stalls: StallMonitor;
  readonly watchdog: Watchdog;
  private readonly notifier: Notifier;
  private readonly uid = process.getuid?.() ?? -1;
  totals: Totals | null = null;
  private cgroup: CgroupSupport | null = null;
  /** The LLM planner, when AURA_PLANNER (or a key under auto) asks for it; loaded in init(). */
  llm: LlmPlanner | null = null;
  /** Changes since the LLM planner last asked the model, one line each. */
  private sinceModel: string[] = [];
  private inModel = false;
  private taskFileDiff: string | null = null;
  private taskText = '';
  private readonly probe: TaskFileProbe;

  constructor(private readonly d: CycleDeps) {
    this.probe = new TaskFileProbe(d.taskFile);
    this.notifier = new Notifier(notifyConfigFrom(d.config), {
      log: (line) => {
        // A failing notifier is logged and journaled, never allowed to break the run.
        this.journalNow({ kind: 'warning', msg: line });
        d.log(line);
      },
    });
    this.watchdog = new Watchdog({
      config: d.config,
      env: d.env,
      onKill: (task, verdict) => this.watchdogKill(task, verdict),
      onNotice: (msg) => {
        this.journalNow({ kind: 'warning', msg: `watchdog: ${msg}` });
        this.note(`watchdog: ${msg}`);
        d.log(`watchdog: ${msg}`);
      },
    });
    this.stalls = new StallMonitor({
      thresholdMs: d.config.AURA_STALL_SECONDS * 1000,
      list: () => this.pool.list(),
      onSuspect: (task, ms) => {
        this.journalNow({ kind: 'decision', task, msg: `suspected stall: no output, stream events or CPU for ${Math.round(ms / 1000)}s` });
        d.wake(`stall suspected in ${task}`);
      },
      onStalled: (task, ms) => {
        const reason = `${STALL_PREFIX}: no output, stream events or CPU for ${Math.round(ms / 1000)}s`;
        this.d.log(`${task}: ${reason}; stopping it`);
        void this.pool.stop(task, reason);
      },
    });
    this.pool = new ExecutorRouter({
      graceMs: d.config.AURA_KILL_GRACE_SECONDS * 1000,
      adoptPollMs: 250,
      onExit: (e) => {
        this.exits.push(e);
        d.wake(`worker ${e.task} exited`);
      },
      onStopped: (task, r, reason) => this.stopped(task, r, reason),
      // Executor hook (issue 18): what the Slurm executor needs of the run.
      config: d.config,
      env: d.env,
      runId: () => this.state.runId,
      since: () => this.state.createdAt,
      onKill: (task, v) => this.watchdogKill(task, v),
      onNotice: (msg, task) => {
        this.journalNow({ kind: task ? 'attempt' : 'warning', ...(task ? { task } : {}), msg: `slurm: ${msg}` });
        d.log(`${task ? `${task}: ` : ''}slurm: ${msg}`);
      },
    });
  }

  private get hashLimits(): HashLimits {
    return { maxFileBytes: this.d.config.AURA_ARTIFACT_HASH_MAX_MB * 1024 * 1024 };
  }

  private get policy(): RetryPolicy {
    const c = this.d.config;
    return {
      maxAttempts: c.AURA_MAX_ATTEMPTS,
      backoffBaseSeconds: c.AURA_RETRY_BACKOFF_SECONDS,
      backoffMaxSeconds: c.AURA_RETRY_BACKOFF_MAX_SECONDS,
      maxStalls: c.AURA_MAX_STALLS,
    };
  }

  journalNow(d: JournalDraft): void {
    this.record(d);
  }

  /** Every journal draft passes here: the LLM planner's skip gate counts what changed. */
  private record(...ds: JournalDraft[]): void {
    this.drafts.push(...ds);
    if (!this.llm || this.inModel) return;
    for (const d of ds) {
      const line = describeChange(d);
      if (line) this.sinceModel.push(line);
    }
    // In safe mode this could grow for days; the model is shown the newest ones anyway.
    if (this.sinceModel.length > 400) this.sinceModel.splice(0, this.sinceModel.length - 200);
  }

  put(t: TaskState, to: TaskState['status'], reason: string, patch: Partial<TaskState> = {}): TaskState {
    const r = transition(t, to, reason, new Date(), patch);
    this.state.tasks[t.id] = r.task;
    this.record(r.entry);
    if (t.status !== to) {
      if (FINAL.has(to)) this.summariesDue = true;
      this.d.log(`${t.id}: ${t.status} → ${to} (${reason})`);
      this.attention(r.task);
    }
    return r.task;
  }

  /** Starting up: adopt the loaded state, apply the task file, reconcile workers from before. */
  async init(o: { loaded: LoadResult; taskText: { text: string; hash: string; stamp?: FileStamp | null }; lockTakenOver: { pid: number; reason?: string } | null; journalRepaired: string | null }) {
    const c = this.d.config;
    if (c.AURA_PLANNER === 'llm' || (c.AURA_PLANNER === 'auto' && c.AURA_API_KEY !== undefined)) {
      // Loaded only when asked for: a rules-planner daemon never pays for the planner's modules.
      const { LlmPlanner } = await import('./llm-planner.js');
      this.llm = new LlmPlanner(c, this.d.layout, plannerCycle(this, this.d.env), this.d.modelClient);
    }
    const loaded = o.loaded;
    if (loaded.recovery) {
      this.journalNow({ kind: 'daemon', msg: `state recovered: ${loaded.recovery.reason}`, data: { recovery: loaded.recovery } });
      this.d.log(`state recovered: ${loaded.recovery.reason}`);
    }
    if (o.journalRepaired) this.journalNow({ kind: 'daemon', msg: `journal repaired: ${o.journalRepaired}` });
    if (o.lockTakenOver) {
      const by = o.lockTakenOver.pid ? `left by PID ${o.lockTakenOver.pid}` : 'that could not be read';
      this.journalNow({ kind: 'daemon', msg: `took over a stale lock ${by}${o.lockTakenOver.reason ? ` (${o.lockTakenOver.reason})` : ''}` });
    }
    const prev = loaded.state;
    this.recent = await readJournalTail(this.d.layout.journalFile, RECENT);
    this.journalNow({ kind: 'daemon', msg: `daemon started (PID ${process.pid})`, data: { pid: process.pid } });
    // The text was read before the daemon started: if the file moved since, the first cycle reads it.
    this.probe.accept(o.taskText.stamp ?? null);
    const spec = parseTaskFile(o.taskText.text);
    this.applySpec(prev, spec, o.taskText.hash);
    this.taskText = o.taskText.text;
    // A restart is the natural moment to try refused credentials again (the key may be fixed).
    for (const t of Object.values(this.state.tasks)) {
      if (t.status === 'blocked' && t.blockedBy === 'auth') this.put(t, 'pending', 'aura restarted: trying the credentials again', { notBefore: null });
    }
    {
      const msg = this.llm
        ? `planner: the LLM (${c.AURA_API_MODEL} at ${c.AURA_API_BASE_URL}); the rules planner takes over if the API keeps failing`
        : `planner: rules (${c.AURA_PLANNER === 'rules' ? 'AURA_PLANNER=rules' : 'no AURA_API_KEY'})`;
      this.journalNow({ kind: 'daemon', msg });
      if (this.llm) this.d.log(msg);
      else this.d.debug(msg);
    }
    this.reviewSpend(true);
    if (this.d.config.AURA_WORKER_CGROUP_SCOPES) {
      this.cgroup = await detectCgroup();
      const msg = this.cgroup.available
        ? `workers run in systemd user scopes with hard limits (controllers: ${this.cgroup.controllers.join(', ')})`
        : `AURA_WORKER_CGROUP_SCOPES is on but unavailable here: ${this.cgroup.reason}; limits are enforced by sampling only`;
      this.journalNow({ kind: 'daemon', msg });
      this.d.log(msg);
    }
    await recoverWorkers(this, this.d.layout, (msg) => {
      this.journalNow({ kind: 'daemon', msg });
      this.d.log(msg);
    });
    await this.commit();
  }

  /** Records what can spend and what caps it; warns at start and whenever the uncapped set changes. */
  private reviewSpend(atStart: boolean): void {
    const { cap, warning } = reviewSpendCap(this.state, this.d.config, atStart);
    this.state.spendCap = cap;
    if (!warning) return;
    this.journalNow({ kind: 'warning', msg: warning, data: { spendCap: cap } });
    (this.d.warn ?? this.d.log)(`warning: ${warning}`);
  }

  /** Used by recovery to re-check tasks that were verifying when the last daemon died. */
  restartEvidence(t: TaskState): void {
    this.startEvidence(t, currentAttempt(t) ?? null);
  }

  private classifierFor(workerName: string): ResolvedWorker['classify'] {
    if (workerName === 'shell') return undefined;
    const w = resolveWorker({ worker: workerName }, this.d.config, this.d.env, this.uid);
    return 'problem' in w ? undefined : w.classify;
  }

  /** Live resource lines per running task, from the watchdog's last polls. */
  resources(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const w of this.watchdog.snapshot().workers) out[w.taskId] = resourceLine(w);
    return { ...out, ...this.pool.remoteResources() };
  }

  request(r: OperatorRequest): void {
    this.requests.push(r);
  }

  private readonly operatorHost: OperatorHost = {
    state: () => this.state,
    put: (t, to, reason, patch) => this.put(t, to, reason, patch),
    journal: (d) => this.journalNow(d),
    stopWorker: (task, reason) => void this.pool.stop(task, reason),
    killed: () => this.killed,
    renamedFrom: (id) => this.renamedFrom(id),
  };

  /** Tasks the user killed: their attempt's end fails the task instead of retrying it. */
  private killed = new Set<string>();

  queueExit(e: WorkerExit): void {
    this.exits.push(e);
  }

  markTaskFileDirty(): void {
    this.taskFileDirty = true;
  }

  note(msg: string, topic = msg): void {
    this.notes.delete(topic);
    this.notes.set(topic, msg);
    // Kept small: only the newest three are shown.
    while (this.notes.size > 8) this.notes.delete(this.notes.keys().next().value as string);
  }

  private applySpec(prev: RunState | null, spec: TaskFileSpec, hash: string): void {
    const r = applyTaskFile(prev, spec, { taskFile: this.d.taskFile, hash, now: new Date(), runId: prev?.runId ?? randomUUID() });
    const before = prev?.taskFileWarnings ?? [];
    this.state = r.state;
    if (r.changed) this.record(...r.entries);
    for (const s of r.stop) void this.pool.stop(s.task, s.reason);
    this.deferredRenames = r.deferred;
    for (const e of r.entries) if (e.kind === 'warning') this.d.log(`task file: ${e.msg}`);
    // Said at start and when they change, not at every save.
    if (prev === null || before.join('\n') !== spec.warnings.join('\n')) for (const w of spec.warnings) this.d.log(`task file: ${w}`);
  }

  /** task.md renames (A → A2) waiting for the task's worker or evidence check to end. */
  private deferredRenames: Array<{ from: string; to: string }> = [];

  /** The new id a deferred rename will give, by the id the person now uses (for operator messages). */
  renamedFrom(id: string): string | null {
    return this.deferredRenames.find((r) => r.to === id)?.from ?? null;
  }

  private async readTaskFileChange(): Promise<void> {
    this.taskFileDirty = false;
    let text;
    try {
      text = await readTaskFile(this.d.taskFile);
    } catch (err) {
      this.probe.accept(await this.probe.stamp().catch(() => null));
      return this.badTaskFile(err, null);
    }
    this.probe.accept(text.stamp);
    if (text.hash === this.state.taskFileHash) {
      // Back to the version in use (an invalid edit undone): nothing to apply, but the banner goes.
      this.lastBadHash = null;
      this.notes.delete('taskfile');
      return;
    }
    try {
      this.applySpec(this.state, parseTaskFile(text.text), text.hash);
      this.lastBadHash = null;
      // Fixed: the banner about the invalid version goes (it must not outlive the problem).
      this.notes.delete('taskfile');
      if (this.llm) {
        // The author's HTML comments never reach the model, not even through the diff.
        const diff = lineDiff(stripComments(this.taskText), stripComments(text.text));
        this.taskFileDiff = this.taskFileDiff ? `${this.taskFileDiff}\n${diff}` : diff;
      }
      this.taskText = text.text;
    } catch (err) {
      this.badTaskFile(err, text.hash);
    }
  }

  /** An invalid edit while running: keep working from the last good version and say so. */
  private badTaskFile(err: unknown, hash: string | null): void {
    if (!(err instanceof AuraError)) throw err;
    if (hash !== null && hash === this.lastBadHash) return;
    this.lastBadHash = hash;
    const msg = `task file is invalid, still using the last good version: ${err.message}${err.hint ? ` (${err.hint})` : ''}`;
    this.journalNow({ kind: 'taskfile', msg, data: { error: err.message } });
    this.note(msg, 'taskfile');
    this.d.log(msg);
  }

  async run(reasons: string[], o: { draining: boolean }, started: (cycle: number) => void): Promise<CycleResult> {
    this.state.cycle += 1;
    started(this.state.cycle);
    this.journalNow({ kind: 'wake', msg: reasons.join('; ') });
    this.d.debug(`cycle ${this.state.cycle}: ${reasons.join('; ')}`);

    // gather
    // An operator request is acknowledged only once its effect is on disk: a crash right after the
    // answer must not lose what the person was told was done.
    const answered = this.requests.splice(0).map((r) => ({ r, reply: applyOperatorRequest(this.operatorHost, r) }));
    if (answered.length) {
      await this.commit();
      for (const a of answered) a.r.done(a.reply);
    }
    // The safety net under the watcher: one stat; a read only when the file moved.
    if (!this.taskFileDirty && (await this.probe.changed().catch(() => false))) {
      this.taskFileDirty = true;
      this.d.debug('task file changed without a watcher event; reading it');
    }
    if (this.taskFileDirty) await this.readTaskFileChange();
    for (const e of this.exits.splice(0)) await this.onExit(e);
    for (const r of this.evidence.splice(0)) this.onEvidence(r);
    // A rename that waited for a worker or check to end takes effect once it has.
    if (this.deferredRenames.some((r) => !['running', 'verifying'].includes(this.state.tasks[r.from]?.status ?? ''))) {
      this.applySpec(this.state, parseTaskFile(this.taskText), this.state.taskFileHash);
    }

    await this.checkBudget();
    this.reviewSpend(false);

    // decide + apply
    // Bookkeeping first (blocks, unblocks, group checks), planned again until it settles, so a group
    // whose last subtask just finished is checked now (and its parent after it, up to the goal) and
    // the model sees the tree as it is.
    let plan = this.plan();
    for (let round = 0; round < 32; round++) {
      let moved = false;
      for (const a of plan.actions) {
        const t = this.state.tasks[a.task];
        if (!t) continue;
        if (a.type === 'block') moved = this.put(t, 'blocked', a.reason, { blockedBy: a.cause }).status !== t.status || moved;
        else if (a.type === 'unblock') moved = this.put(t, 'pending', a.reason).status !== t.status || moved;
        else if (a.type === 'check_group') moved = this.checkGroup(t) || moved;
      }
      if (!moved) break;
      plan = this.plan();
    }
    let spawned = 0;
    // With the LLM planner the model starts work; the rules planner takes over starting work only
    // in safe mode.
    const startable = plan.actions.filter((a) => a.type === 'spawn');
    const llm = this.llm && !o.draining ? await this.askModel(reasons, this.state.pause ? 0 : startable.length) : null;
    if (llm?.acted) spawned += 1;
    if (!this.llm || llm?.mode === 'rules') {
      for (const a of startable) {
        const t = this.state.tasks[a.task];
        if (!t || t.status !== 'pending' || o.draining || this.state.pause) continue;
        this.journalNow({ kind: 'decision', task: t.id, msg: `start ${t.id}: ${a.reason}` });
        await this.spawn(t);
        spawned += 1;
      }
    }

    // The model changed the tree (new tasks, reopened ones): plan again at once rather than at the heartbeat.
    // Whatever it made startable is looked at now, workers running or not (a free slot must not idle).
    if (llm?.acted) this.d.wake('the planner changed the task tree');
    const nextDueAt = [plan.nextDueAt, llm?.nextDueAt ?? null].filter((x): x is Date => !!x).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
    const busy = this.busy();
    let outcome: CycleResult['outcome'] = 'working';
    let stuckReason: string | undefined;
    if (goalDone(this.state)) {
      outcome = 'done';
      if (!this.state.doneAt) {
        this.state.doneAt = new Date().toISOString();
        this.journalNow({ kind: 'decision', msg: 'goal done: every task is verified', data: { state: { doneAt: this.state.doneAt } } });
        const totals = runTotals(this.state);
        this.notifier.notify({
          kind: 'goal_done',
          ...this.eventBase(),
          goal: this.state.goal,
          tasks: liveTasks(this.state).length,
          durationMs: Date.now() - Date.parse(this.state.createdAt),
          costUsd: totals.costed > 0 ? totals.costUsd : null,
        });
      }
    } else if (
      busy === 0 &&
      spawned === 0 &&
      !nextDueAt &&
      // The model may still start what the rules would; it is asked again at the next wake.
      !(this.llm && plan.actions.some((x) => x.type === 'spawn')) &&
      !plan.actions.some((x) => x.type === 'unblock' || x.type === 'check_group') &&
      runningTasks(this.state).length === 0 &&
      // A pause holds the run only while it holds back work that could start; with every task final it is over.
      !(this.state.pause && plan.actions.some((x) => x.type === 'spawn'))
    ) {
      outcome = 'stuck';
      const bad = liveTasks(this.state).filter((t) => (t.status === 'failed' || t.status === 'blocked') && t.id !== GOAL_ID);
      stuckReason = bad.length
        ? `nothing more can run: ${bad.map((t) => `${t.id} is ${t.status} (${t.reason})`).join('; ')}`
        : 'nothing more can run';
    }
    await this.commit();
    // Counted again after the commit's awaits: an exit reported meanwhile is still to be taken.
    return { outcome, stuckReason, nextDueAt, busy: this.busy() };
  }

  /** Workers, evidence checks, and exits or evidence not yet taken by a cycle. */
  private busy(): number {
    return this.pool.size + this.checking.size + this.exits.length + this.evidence.length;
  }

  /** The watchdog found a sustained violation: record the figures on the attempt and stop the tree. */
  private watchdogKill(task: string, v: KillVerdict): void {
    const t = this.state.tasks[task];
    const a = t ? currentAttempt(t) : undefined;
    if (!t || !a || a.endedAt) return;
    this.setAttempt(t, { ...a, stopData: { ...v } });
    this.journalNow({ kind: 'decision', task, msg: `watchdog: ${v.message}; stopping ${task}`, data: { verdict: { ...v } } });
    this.d.log(`${task}: watchdog: ${v.message}; stopping it`);
    this.notifier.notify({ kind: 'watchdog_kill', ...this.eventBase(), taskId: task, title: t.title, message: v.message });
    void this.pool.stop(task, `${WATCHDOG_PREFIX}: ${v.message}`);
  }

  /** 1st watchdog kill: retry with guidance; 2nd: blocked + a resource-fix subtask; 3rd: failed. */
  private async escalateWatchdog(t: TaskState, a: Attempt): Promise<void> {
    const esc = watchdogEscalation(t, a);
    const contract = judgedBy(t, a);
    const facts = await gatherArtifacts(this.d.layout.project, contract.produces, this.hashLimits);
    const judged = judge({ attempt: { ...a, ...roundBaseline(t, a) }, artifacts: facts, verify: null, hasVerify: !!contract.verify, now: new Date() });
    const evidence = { ...judged, summary: `not done: ${esc.action === 'retry' ? esc.guidance : esc.reason}` };
    const t2 = this.setAttempt(t, { ...a, evidence });
    this.journalNow({ kind: 'evidence', task: t.id, msg: evidence.summary, data: { attempt: a.n, evidence, escalation: esc.action } });
    if (esc.action === 'retry') {
      this.put(t2, 'pending', `stopped by the watchdog (${(a.stopData as KillVerdict | null)?.message ?? a.stopReason}); retrying once with guidance`, { notBefore: null });
    } else if (esc.action === 'fail') {
      this.put(t2, 'failed', esc.reason);
    } else {
      const sub = resourceFixSubtask(this.state, t2, esc.subtask, new Date());
      this.state.tasks[sub.id] = sub;
      this.journalNow({ kind: 'status', task: sub.id, to: 'pending', msg: `resource-fix subtask created for ${t.id}`, data: { task: sub } });
      this.put({ ...t2, children: [...t2.children, sub.id] }, 'blocked', `${WATCHDOG_PREFIX}: ${esc.reason}; waiting for its resource-fix subtask ${sub.id}`, {
        blockedBy: 'watchdog',
      });
    }
  }

  private eventBase() {
    return { project: this.d.layout.project, at: new Date().toISOString() };
  }

  /**
   * Tells people when a task needs them: failed, or blocked for a reason a person must fix (no
   * worker, refused credentials). Blocks that follow from another task's failure would only echo it.
   */
  private attention(t: TaskState): void {
    if (t.status === 'failed') this.notifier.notify({ kind: 'task_failed', ...this.eventBase(), taskId: t.id, title: t.title, reason: t.reason });
    else if (t.status === 'blocked' && (t.blockedBy === 'worker' || t.blockedBy === 'auth')) {
      this.notifier.notify({ kind: 'task_blocked', ...this.eventBase(), taskId: t.id, title: t.title, reason: t.reason });
    }
  }

  /** Sums the run's spend (live workers included) and pauses spawning when a run budget is reached. */
  private async checkBudget(): Promise<void> {
    const live = new Map<string, UsageRecord>();
    for (const w of this.pool.list()) {
      const u = liveUsage(await readRunnerStatus(w.attemptDirAbs));
      if (u) live.set(`${w.task}#${w.attempt}`, u);
    }
    this.totals = runTotals(this.state, live);
    const c = this.d.config;
    const over = budgetExceeded(this.totals, { usd: c.AURA_RUN_BUDGET_USD, tokens: c.AURA_RUN_TOKEN_BUDGET });
    const p = this.state.pause;
    if (over && !p) {
      this.state.pause = { kind: 'budget', reason: over, since: new Date().toISOString() };
      const what = c.AURA_RUN_BUDGET_ACTION === 'stop' ? 'stopping running workers (their tasks wait)' : 'running workers may finish';
      const msg = `${over}: starting nothing new; ${what}. Raise the budget and restart aura to go on.`;
      this.journalNow({ kind: 'decision', msg, data: { state: { pause: this.state.pause }, totals: { ...this.totals } } });
      this.note(msg);
      this.d.log(msg);
      if (c.AURA_RUN_BUDGET_ACTION === 'stop') for (const w of this.pool.list()) void this.pool.stop(w.task, BUDGET_STOP_REASON);
      this.notifier.notify({ kind: 'budget_reached', ...this.eventBase(), reason: over });
    } else if (!over && p?.kind === 'budget') {
      this.state.pause = null;
      this.journalNow({ kind: 'decision', msg: 'the run budget allows more work again; resuming', data: { state: { pause: null } } });
    }
  }

  /** The LLM planner's turn: the skip gate, then (maybe) the model. */
  private async askModel(reasons: string[], startable: number) {
    const llm = this.llm as LlmPlanner;
    // The planner keeps the diff until the model has seen it.
    const taskFileDiff = this.taskFileDiff;
    this.taskFileDiff = null;
    // The model's own actions during its call are not news to it.
    this.inModel = true;
    let decision;
    try {
      decision = await llm.decide({ reasons, changes: this.sinceModel, taskFileDiff, startable });
    } finally {
      this.inModel = false;
    }
    if (decision.mode === 'model') this.sinceModel = [];
    this.d.debug(`planner: ${decision.mode} (${decision.why})`);
    return decision;
  }

  get config(): Config {
    return this.d.config;
  }

  log(line: string): void {
    this.d.log(line);
  }

  /** Why nothing new may start now (a pause or a drain), or null. */
  holdReason(): string | null {
    if (this.draining) return 'aura is stopping';
    if (this.state.pause) return this.state.pause.reason;
    return null;
  }

  /** The planner's hook for safe-mode notifications. */
  safeModeEvent(entered: boolean, reason: string): void {
    if (entered) this.notifier.notify({ kind: 'safe_mode', ...this.eventBase(), reason });
  }

  async spawn(t0: TaskState): Promise<void> {
    const L = this.d.layout;
    const worker = resolveWorker(t0, this.d.config, this.d.env, this.uid);
    if ('problem' in worker) {
      this.put(t0, 'blocked', worker.problem, { blockedBy: 'worker' });
      return;
    }
    // Executor hook (issue 18): a Slurm task becomes a batch job; this machine's free memory and CPU
    // placement do not apply to it.
    if (executorFor(t0, this.d.config) === 'slurm') return spawnSlurm(this.slurmHost(), t0, worker);
    const pre = this.watchdog.preflight();
    if (!pre.ok) {
      const msg = `not starting ${t0.id}: ${pre.reason}`;
      if (!this.notes.has(msg)) {
        this.journalNow({ kind: 'decision', task: t0.id, msg });
        this.note(msg);
        this.d.log(msg);
      }
      // Look again after the next resource poll rather than at the next heartbeat.
      setTimeout(() => this.d.wake('resources may have freed up'), this.d.config.AURA_WORKER_RESOURCE_POLL_SECONDS * 1000).unref();
      return;
    }
    const budgetMs = t0.budgetMs ?? this.d.config.AURA_TASK_BUDGET * 60_000;
    const { attempt, brief } = await prepareAttempt(L, this.state, t0, worker.name, budgetMs, new Date(), this.hashLimits);
    let t = this.put(t0, 'running', `attempt ${attempt.n} started (${worker.name} worker)`, { attempts: [...t0.attempts, attempt], notBefore: null });
    // Write-ahead: the attempt (and its marker) is on disk before the process exists, so a crash
    // right after the spawn still lets the next daemon find and adopt or reap it.
    await this.commit();
    try {
      const place = this.watchdog.placement(t.id);
      if (place.cpus) this.journalNow({ kind: 'decision', task: t.id, msg: `${t.id} runs on CPU cores ${place.cpus}` });
      const spawned = await launch({
        layout: L,
        state: this.state,
        task: t,
        attempt,
        brief,
        worker,
        parentEnv: this.d.env,
        config: this.d.config,
        argvPrefix: [...this.scopePrefix(t.id, attempt.n), ...place.argvPrefix],
        extraEnv: place.env,
      }).catch((err: unknown) => {
        this.watchdog.untrack(t.id);
        throw err;
      });
      this.watchdog.track(t.id, attempt.marker, { pid: spawned.ref.pid, startTicks: spawned.ref.startTicks });
      const a: Attempt = { ...attempt, process: spawned.ref };
      t = this.setAttempt(t, a);
      const what = worker.name === 'shell' ? t.run : `${worker.name} agent`;
      this.journalNow({ kind: 'attempt', task: t.id, msg: `worker started: PID ${spawned.ref.pid}: ${what}`, data: { task: t } });
      this.pool.track(t.id, a.n, a.marker, path.join(L.root, a.dir), spawned, a.deadline ? new Date(a.deadline) : null, worker.termRootOnly);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const a: Attempt = { ...attempt, endedAt: new Date().toISOString(), outcome: 'spawn_error', stopReason: msg };
      t = this.setAttempt(t, a);
      await this.conclude(t, a);
    }
  }

  /** `systemd-run --user --scope …` for hard limits, when enabled and available. */
  private scopePrefix(taskId: string, n: number): string[] {
    if (!this.cgroup?.available) return [];
    const l = this.watchdog.limits;
    const s = scopeLimits({ cpuPercent: l.cpuPercent, memPercent: l.memPercent, memBytes: l.memBytes }, os.totalmem(), os.availableParallelism());
    if (s.memoryMaxBytes === null && s.cpuQuotaPercent === null) return [];
    const unit = `aura-${this.state.runId.slice(0, 8)}-${taskId}-${n}`.replace(/[^A-Za-z0-9:_.-]/g, '_');
    return scopeArgv(unit, s, this.cgroup.controllers.includes('cpu'));
  }

  /** Executor hook (issue 18): what submitting a Slurm job needs of the cycle. */
  private slurmHost(): SlurmSpawnHost {
    return {
      layout: this.d.layout,
      state: this.state,
      config: this.d.config,
      env: this.d.env,
      hashLimits: this.hashLimits,
      put: (t, to, reason, patch) => this.put(t, to, reason, patch),
      commit: () => this.commit(),
      setAttempt: (t, a) => this.setAttempt(t, a),
      conclude: (t, a) => this.conclude(t, a),
      journal: (d) => this.journalNow(d),
      slurm: () => this.pool.slurm(),
    };
  }

  /** Executor hook (issue 18), for recovery: a Slurm attempt of an earlier daemon, found again by its job's name. */
  adoptJob(t: TaskState, a: Attempt, attemptDirAbs: string): void {
    if (!a.job) return;
    this.pool.slurm().adopt({ task: t.id, attempt: a.n, marker: a.marker, name: a.job.name, attemptDirAbs, memLimitBytes: a.job.memBytes });
  }

  /** Whether a worker kind stops by SIGTERM to its root alone (agents) — for re-adopted workers. */
  termRootOnly(workerName: string): boolean {
    return workerName !== 'shell';
  }

  private setAttempt(t: TaskState, a: Attempt): TaskState {
    const attempts = t.attempts.map((x) => (x.n === a.n ? a : x));
    const next = { ...t, attempts, updatedAt: new Date().toISOString() };
    this.state.tasks[t.id] = next;
    return next;
  }

  private async onExit(e: WorkerExit): Promise<void> {
    const t = this.state.tasks[e.task];
    const a = t ? currentAttempt(t) : undefined;
    if (!t || !a || a.n !== e.attempt || a.endedAt) return;
    this.watchdog.untrack(t.id);
    // The runner's record holds the worker's own exit status and its stream summary; without it
    // (the runner itself was killed) only the runner's status is known.
    const record = await readExitFile(path.join(this.d.layout.root, a.dir));
    const exit = record ? { code: record.code, signal: record.signal } : e.exit;
    // Executor hook (issue 18): a batch system may say what kind of end it was (a node failure is lost).
    const outcome: Attempt['outcome'] = e.remote?.outcome ?? (record?.spawnError
      ? 'spawn_error'
      : e.stopReason === 'timeout'
        ? 'timeout'
        : e.stopReason
          ? 'killed'
          : exit === null
            ? 'lost'
            : 'exited');
    const classify = this.classifierFor(a.worker);
    // A CLI that fails at start-up says why on stderr only (claude as root without IS_SANDBOX, say).
    const stderr = classify && record?.summary ? (await readFileTail(path.join(this.d.layout.root, a.dir, 'stderr.log'), 2000)).trim() : '';
    const classification =
      classify && record?.summary ? classify(record.summary, { ...(exit ?? { code: null, signal: null }), ...(stderr ? { stderr } : {}) }, e.stopReason) : null;
    const ended: Attempt = {
      ...a,
      endedAt: new Date().toISOString(),
      outcome,
      exitCode: exit?.code ?? null,
      signal: exit?.signal ?? null,
      stopReason: e.stopReason ?? record?.spawnError ?? null,
      classification,
      usage: record?.summary?.usage ?? null,
      ...(e.remote?.stopData ? { stopData: e.remote.stopData } : {}),
    };
    const how =
      outcome === 'exited'
        ? exit?.signal
          ? `killed by ${exit.signal}`
          : `exited with code ${exit?.code}${classification ? ` (${classification.kind}: ${classification.message})` : ''}`
        : outcome === 'timeout'
          ? 'stopped: time budget used up'
          : outcome === 'killed'
            ? `stopped: ${e.stopReason}`
            : 'gone without an exit status';
    const t2 = this.setAttempt(t, ended);
    this.journalNow({ kind: 'attempt', task: t.id, msg: `attempt ${a.n} ${how}${e.adopted ? ' (adopted worker)' : ''}${e.remote ? ` (${e.remote.detail})` : ''}`, data: { task: t2 } });
    if (t2.status !== 'running') return; // archived or ticked by the user meanwhile: recorded, nothing to judge
    if (e.stopReason === SHUTDOWN_REASON || e.stopReason === BUDGET_STOP_REASON) {
      // Interrupted by aura itself: not the task's fault, not counted; it starts again later.
      const why = e.stopReason === SHUTDOWN_REASON ? 'interrupted because aura stopped; it will start again' : 'stopped because the run budget was reached; it will start again when the budget allows';
      this.put(t2, 'pending', why, { notBefore: null });
      return;
    }
    if (this.killed.has(t.id)) {
      this.killed.delete(t.id);
      this.put(t2, 'failed', `killed by the user; \`aura retry ${t.id}\` runs it again`, { notBefore: null });
      return;
    }
    if (e.stopReason?.startsWith(WATCHDOG_PREFIX)) {
      await this.escalateWatchdog(t2, ended);
      return;
    }
    if (outcome === 'exited' && ended.exitCode === 0 && (!classification || classification.kind === 'success')) {
      const t3 = this.put(t2, 'verifying', 'worker exited 0; checking the evidence');
      this.startEvidence(t3, ended);
      return;
    }
    await this.conclude(t2, ended);
  }

  /** An attempt that did not end cleanly: record what the gate saw and retry or fail. */
  private async conclude(t: TaskState, a: Attempt): Promise<void> {
    const contract = judgedBy(t, a);
    const facts = await gatherArtifacts(this.d.layout.project, contract.produces, this.hashLimits);
    const evidence = judge({ attempt: { ...a, ...roundBaseline(t, a) }, artifacts: facts, verify: null, hasVerify: !!contract.verify, now: new Date() });
    this.recordEvidence(t, a, evidence);
  }

  private recordEvidence(t: TaskState, a: Attempt | null, evidence: Evidence): void {
    const t2 = a ? this.setAttempt(t, { ...a, evidence }) : t;
    this.journalNow({ kind: 'evidence', task: t.id, msg: evidence.summary, data: { attempt: a?.n ?? null, evidence } });
    if (!a) {
      this.put(t2, evidence.passed ? 'done' : 'failed', evidence.passed ? evidence.summary : `subtasks done but ${evidence.summary}`);
      return;
    }
    const r = afterEvidence(t2, evidence, this.policy, new Date());
    this.state.tasks[t.id] = r.task;
    this.record(r.entry);
    this.d.log(`${t.id}: ${t2.status} → ${r.task.status} (${r.task.reason})`);
    if (FINAL.has(r.task.status)) this.summariesDue = true;
    this.attention(r.task);
  }

  /** Whether the group's status changed now (a group with its own checks is judged off the cycle). */
  private checkGroup(t: TaskState): boolean {
    if (!t.verify && t.produces.length === 0) {
      this.put(t, 'done', 'all subtasks done');
      return true;
    }
    if (!this.checking.has(t.id)) this.startEvidence(t, null);
    return false;
  }

  private plan() {
    return planRules(this.state, {
      now: new Date(),
      maxConcurrent: this.d.config.AURA_MAX_CONCURRENT_TASKS,
      // Executor hook (issue 18): a task its executor cannot take as written is blocked with why.
      workerProblem: (t) => workerProblem(t, this.d.config, this.d.env, this.uid) ?? executorProblem(t, this.d.config, this.d.env),
      leaveUnrunnable: this.llm !== null && this.state.planner?.mode !== 'safe',
    });
  }

  /** Artifacts + verify, off the cycle: verify may take minutes and must not hold up other wakes. */
  private startEvidence(t: TaskState, a: Attempt | null): void {
    const L = this.d.layout;
    const marker = `${this.state.runId}:${t.id}:${a?.n ?? 'group'}:verify`;
    this.checking.set(t.id, marker);
    // The bar this attempt started with, whatever task.md says now (a group: its own, checked now).
    const contract = judgedBy(t, a);
    const limits = this.hashLimits;
    const judged = a ? { ...a, ...roundBaseline(t, a) } : null;
    const job = async (): Promise<Evidence> => {
      const facts = await gatherArtifacts(L.project, contract.produces, limits);
      const base = { attempt: judged, artifacts: facts, hasVerify: !!contract.verify, now: new Date() };
      let verify = null;
      if (contract.verify && (a === null ? true : shouldRunVerify(base))) {
        const dirRel = a ? a.dir : path.join('workspace', 'tasks', t.id, 'group-check');
            await mkdir(path.join(L.root, dirRel), { recursive: true });
        verify = await runVerify({
          command: contract.verify,
          projectDir: L.project,
          logFile: path.join(L.root, dirRel, 'verify.log'),
          logRel: path.join(dirRel, 'verify.log'),
          env: workerEnv(this.d.env),
          marker,
          runId: this.state.runId,
          timeoutMs: this.d.config.AURA_VERIFY_TIMEOUT * 1000,
          graceMs: this.d.config.AURA_KILL_GRACE_SECONDS * 1000,
        });
      }
      return judge({ ...base, verify, now: new Date() });
    };
    job().then(
      (evidence) => {
        this.checking.delete(t.id);
        // Stopping: a verify cut short proves nothing; the next daemon checks this attempt again.
        // The wake still matters: the drain finishes only once nothing is in flight.
        if (this.draining) {
          this.d.wake(`evidence check for ${t.id} ended while stopping`);
          return;
        }
        this.evidence.push({ task: t.id, attempt: a?.n ?? null, evidence });
        this.d.wake(`evidence for ${t.id}`);
      },
      (err: unknown) => {
        this.checking.delete(t.id);
        this.d.log(`evidence check for ${t.id} failed: ${err instanceof Error ? err.message : String(err)}`);
        this.d.wake(`evidence for ${t.id} failed`);
      },
    );
  }

  private onEvidence(r: EvidenceResult): void {
    const t = this.state.tasks[r.task];
    if (!t) return;
    if (r.attempt === null) {
      if (t.status === 'pending') this.recordEvidence(t, null, r.evidence);
      return;
    }
    const a = currentAttempt(t);
    if (!a || a.n !== r.attempt || t.status !== 'verifying') return;
    this.recordEvidence(t, a, r.evidence);
  }

  private stopped(task: string, r: StopResult, reason: string): void {
    const msg = r.survivors.length
      ? `could not stop every process of ${task} (${reason}): PIDs ${r.survivors.join(', ')} survive SIGKILL`
      : `stopped ${task} (${reason}) in ${r.durationMs} ms${r.forced ? ' (needed SIGKILL)' : ''}`;
    this.journalNow({ kind: 'decision', task, msg, data: { ...r } });
    this.d.log(msg);
  }

  async stopAllWorkers(reason: string, graceMs: number): Promise<void> {
    this.draining = true;
    const verifies = [...this.checking.values()].map((m) => stopTree(null, m, { graceMs }));
    await Promise.all([this.pool.stopAll(reason, graceMs), ...verifies]);
  }

  detachWorkers(): void {
    this.draining = true;
    this.pool.detachAll();
  }

  async commit(): Promise<void> {
    if (this.drafts.length) {
      const ts = new Date().toISOString();
      const written = await this.d.journal.append(this.drafts.map((d) => ({ ...d, ts, cycle: this.state.cycle })));
      this.drafts = [];
      const last = written[written.length - 1];
      if (last) this.state.journalSeq = last.seq;
      this.recent = [...this.recent, ...written].slice(-RECENT);
    }
    this.state.updatedAt = new Date().toISOString();
    await this.d.store.save(this.state);
  }

  async render(): Promise<void> {
    const info = this.d.daemonInfo();
    const note = [...this.notes.values()].slice(-3).join(' · ');
    await renderProgress(this.d.layout, this.state, note ? { ...info, note } : info, this.recent);
    // Summaries of finished tasks and, once the goal is done, the final report: only when a task
    // reached a final status since the last render (it stats one file per finished task).
    if (this.summariesDue) {
      this.summariesDue = false;
      const r = await writeSummaries(this.d.layout, this.state);
      for (const e of r.errors) this.d.log(`summaries: ${e}`);
    }
  }

  async close(leaveWorkers: boolean): Promise<void> {
    this.llm?.cancel();
    // Exits reported while stopping are taken now, so state.json never says running with no worker.
    if (!leaveWorkers) for (const e of this.exits.splice(0)) await this.onExit(e);
    this.stalls.close();
    this.watchdog.close();
    await this.notifier.close();
    if (leaveWorkers) this.pool.detachAll();
    this.pool.close();
    this.journalNow({ kind: 'daemon', msg: `daemon stopped (PID ${process.pid})${leaveWorkers && runningTasks(this.state).length ? '; workers left running' : ''}` });
    await this.commit();
    await this.render();
  }
}

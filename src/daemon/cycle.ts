// One cycle of the loop, and the run state it owns: gather → decide → apply → persist → render.
// The decisions themselves live in src/core (pure); this file does the I/O around them.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { applyTaskFile } from '../core/apply-taskfile.js';
import { judge, shouldRunVerify } from '../core/evidence.js';
import { afterEvidence, type RetryPolicy } from '../core/outcome.js';
import { planRules } from '../core/rules-planner.js';
import { allDone, currentAttempt, liveTasks, runningTasks } from '../core/tree.js';
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
import { workerProblem, type Backend } from '../workers/registry.js';
import { workerEnv } from '../workers/shell.js';
import { stopTree, type StopResult } from '../workers/tree-kill.js';
import { gatherArtifacts } from './artifacts.js';
import { launchShell, prepareAttempt } from './attempts.js';
import { WorkerPool, type WorkerExit } from './pool.js';
import { renderProgress, type DaemonInfoFn } from './render.js';
import { SHUTDOWN_REASON } from '../core/tree.js';
import { recoverWorkers } from './recovery.js';
import { runVerify } from './verify.js';

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
  wake: (reason: string) => void;
  daemonInfo: DaemonInfoFn;
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
  private notes: string[] = [];
  private recent: JournalEntry[] = [];
  private draining = false;
  readonly pool: WorkerPool;
  readonly env: NodeJS.ProcessEnv;

  constructor(private readonly d: CycleDeps) {
    this.env = workerEnv(d.env);
    this.pool = new WorkerPool({
      graceMs: d.config.AURA_KILL_GRACE_SECONDS * 1000,
      adoptPollMs: 250,
      onExit: (e) => {
        this.exits.push(e);
        d.wake(`worker ${e.task} exited`);
      },
      onStopped: (task, r, reason) => this.stopped(task, r, reason),
    });
  }

  private get policy(): RetryPolicy {
    const c = this.d.config;
    return { maxAttempts: c.AURA_MAX_ATTEMPTS, backoffBaseSeconds: c.AURA_RETRY_BACKOFF_SECONDS, backoffMaxSeconds: c.AURA_RETRY_BACKOFF_MAX_SECONDS };
  }

  private journalNow(d: JournalDraft): void {
    this.drafts.push(d);
  }

  private put(t: TaskState, to: TaskState['status'], reason: string, patch: Partial<TaskState> = {}): TaskState {
    const r = transition(t, to, reason, new Date(), patch);
    this.state.tasks[t.id] = r.task;
    this.drafts.push(r.entry);
    if (t.status !== to) this.d.log(`${t.id}: ${t.status} → ${to} (${reason})`);
    return r.task;
  }

  /** Starting up: adopt the loaded state, apply the task file, reconcile workers from before. */
  async init(o: { loaded: LoadResult; taskText: { text: string; hash: string }; lockTakenOver: { pid: number; reason?: string } | null; journalRepaired: string | null }) {
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
    const spec = parseTaskFile(o.taskText.text);
    this.applySpec(prev, spec, o.taskText.hash);
    await recoverWorkers(this, this.d.layout, (msg) => {
      this.journalNow({ kind: 'daemon', msg });
      this.d.log(msg);
    });
    await this.commit();
  }

  /** Used by recovery to re-check tasks that were verifying when the last daemon died. */
  restartEvidence(t: TaskState): void {
    this.startEvidence(t, currentAttempt(t) ?? null);
  }

  queueExit(e: WorkerExit): void {
    this.exits.push(e);
  }

  markTaskFileDirty(): void {
    this.taskFileDirty = true;
  }

  note(msg: string): void {
    this.notes.push(msg);
  }

  private applySpec(prev: RunState | null, spec: TaskFileSpec, hash: string): void {
    const r = applyTaskFile(prev, spec, { taskFile: this.d.taskFile, hash, now: new Date(), runId: prev?.runId ?? randomUUID() });
    this.state = r.state;
    if (r.changed) this.drafts.push(...r.entries);
    for (const s of r.stop) void this.pool.stop(s.task, s.reason);
    for (const w of spec.warnings) this.d.log(`task file: ${w}`);
  }

  private async readTaskFileChange(): Promise<void> {
    this.taskFileDirty = false;
    let text;
    try {
      text = await readTaskFile(this.d.taskFile);
    } catch (err) {
      return this.badTaskFile(err, null);
    }
    if (text.hash === this.state.taskFileHash) return;
    try {
      this.applySpec(this.state, parseTaskFile(text.text), text.hash);
      this.lastBadHash = null;
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
    this.note(msg);
    this.d.log(msg);
  }

  async run(reasons: string[], o: { draining: boolean }, started: (cycle: number) => void): Promise<CycleResult> {
    this.state.cycle += 1;
    started(this.state.cycle);
    this.journalNow({ kind: 'wake', msg: reasons.join('; ') });

    // gather
    if (this.taskFileDirty) await this.readTaskFileChange();
    for (const e of this.exits.splice(0)) await this.onExit(e);
    for (const r of this.evidence.splice(0)) this.onEvidence(r);

    // decide + apply
    const plan = planRules(this.state, {
      now: new Date(),
      maxConcurrent: this.d.config.AURA_MAX_CONCURRENT_TASKS,
      workerProblem: (t) => workerProblem(t, this.d.config.AURA_LAYER2_BACKEND as Backend),
    });
    let spawned = 0;
    for (const a of plan.actions) {
      const t = this.state.tasks[a.task];
      if (!t) continue;
      if (a.type === 'block') this.put(t, 'blocked', a.reason);
      else if (a.type === 'unblock') this.put(t, 'pending', a.reason);
      else if (a.type === 'check_group') this.checkGroup(t);
      else if (a.type === 'spawn' && !o.draining) {
        this.journalNow({ kind: 'decision', task: t.id, msg: `start ${t.id}: ${a.reason}` });
        await this.spawn(t);
        spawned += 1;
      }
    }

    const busy = this.pool.size + this.checking.size;
    let outcome: CycleResult['outcome'] = 'working';
    let stuckReason: string | undefined;
    if (allDone(this.state)) {
      outcome = 'done';
      if (!this.state.doneAt) {
        this.state.doneAt = new Date().toISOString();
        this.journalNow({ kind: 'decision', msg: 'goal done: every task is verified', data: { state: { doneAt: this.state.doneAt } } });
      }
    } else if (busy === 0 && spawned === 0 && !plan.nextDueAt && runningTasks(this.state).length === 0) {
      outcome = 'stuck';
      const bad = liveTasks(this.state).filter((t) => t.status === 'failed' || t.status === 'blocked');
      stuckReason = bad.length
        ? `nothing more can run: ${bad.map((t) => `${t.id} is ${t.status} (${t.reason})`).join('; ')}`
        : 'nothing more can run';
    }
    await this.commit();
    return { outcome, stuckReason, nextDueAt: plan.nextDueAt, busy };
  }

  private async spawn(t0: TaskState): Promise<void> {
    const L = this.d.layout;
    const budgetMs = t0.budgetMs ?? this.d.config.AURA_TASK_BUDGET * 60_000;
    const attempt = await prepareAttempt(L, this.state, t0, budgetMs, new Date());
    let t = this.put(t0, 'running', `attempt ${attempt.n} started`, { attempts: [...t0.attempts, attempt], notBefore: null });
    // Write-ahead: the attempt (and its marker) is on disk before the process exists, so a crash
    // right after the spawn still lets the next daemon find and adopt or reap it.
    await this.commit();
    try {
      const spawned = await launchShell(L, this.state, t, attempt, this.env);
      const a: Attempt = { ...attempt, process: spawned.ref };
      t = this.setAttempt(t, a);
      this.journalNow({ kind: 'attempt', task: t.id, msg: `worker started: PID ${spawned.ref.pid}: ${t.run}`, data: { task: t } });
      this.pool.track(t.id, a.n, a.marker, path.join(L.root, a.dir), spawned, a.deadline ? new Date(a.deadline) : null);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const a: Attempt = { ...attempt, endedAt: new Date().toISOString(), outcome: 'spawn_error', stopReason: msg };
      t = this.setAttempt(t, a);
      await this.conclude(t, a);
    }
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
    const outcome: Attempt['outcome'] =
      e.stopReason === 'timeout' ? 'timeout' : e.stopReason ? 'killed' : e.exit === null ? 'lost' : 'exited';
    const ended: Attempt = {
      ...a,
      endedAt: new Date().toISOString(),
      outcome,
      exitCode: e.exit?.code ?? null,
      signal: e.exit?.signal ?? null,
      stopReason: e.stopReason,
    };
    const how =
      outcome === 'exited'
        ? e.exit?.signal
          ? `killed by ${e.exit.signal}`
          : `exited with code ${e.exit?.code}`
        : outcome === 'timeout'
          ? 'stopped: time budget used up'
          : outcome === 'killed'
            ? `stopped: ${e.stopReason}`
            : 'gone without an exit status';
    const t2 = this.setAttempt(t, ended);
    this.journalNow({ kind: 'attempt', task: t.id, msg: `attempt ${a.n} ${how}${e.adopted ? ' (adopted worker)' : ''}`, data: { task: t2 } });
    if (t2.status !== 'running') return; // archived or ticked by the user meanwhile: recorded, nothing to judge
    if (e.stopReason === SHUTDOWN_REASON) {
      // Interrupted by aura itself: not the task's fault, not counted; it restarts with the next daemon.
      this.put(t2, 'pending', 'interrupted because aura stopped; it will start again', { notBefore: null });
      return;
    }
    if (outcome === 'exited' && ended.exitCode === 0) {
      const t3 = this.put(t2, 'verifying', 'worker exited 0; checking the evidence');
      this.startEvidence(t3, ended);
      return;
    }
    await this.conclude(t2, ended);
  }

  /** An attempt that did not end cleanly: record what the gate saw and retry or fail. */
  private async conclude(t: TaskState, a: Attempt): Promise<void> {
    const facts = await gatherArtifacts(this.d.layout.project, t.produces);
    const evidence = judge({ attempt: a, artifacts: facts, verify: null, hasVerify: !!t.verify, now: new Date() });
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
    this.drafts.push(r.entry);
    this.d.log(`${t.id}: ${t2.status} → ${r.task.status} (${r.task.reason})`);
  }

  private checkGroup(t: TaskState): void {
    if (!t.verify && t.produces.length === 0) {
      this.put(t, 'done', 'all subtasks done');
      return;
    }
    if (!this.checking.has(t.id)) this.startEvidence(t, null);
  }

  /** Artifacts + verify, off the cycle: verify may take minutes and must not hold up other wakes. */
  private startEvidence(t: TaskState, a: Attempt | null): void {
    const L = this.d.layout;
    const marker = `${this.state.runId}:${t.id}:${a?.n ?? 'group'}:verify`;
    this.checking.set(t.id, marker);
    const job = async (): Promise<Evidence> => {
      const facts = await gatherArtifacts(L.project, t.produces);
      const base = { attempt: a, artifacts: facts, hasVerify: !!t.verify, now: new Date() };
      let verify = null;
      if (t.verify && (a === null ? true : shouldRunVerify(base))) {
        const dirRel = a ? a.dir : path.join('workspace', 'tasks', t.id, 'group-check');
            await mkdir(path.join(L.root, dirRel), { recursive: true });
        verify = await runVerify({
          command: t.verify,
          projectDir: L.project,
          logFile: path.join(L.root, dirRel, 'verify.log'),
          logRel: path.join(dirRel, 'verify.log'),
          env: this.env,
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
        if (this.draining) return;
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
    const note = this.notes.slice(-3).join(' · ');
    await renderProgress(this.d.layout, this.state, note ? { ...info, note } : info, this.recent);
  }

  async close(leaveWorkers: boolean): Promise<void> {
    if (leaveWorkers) this.pool.detachAll();
    this.journalNow({ kind: 'daemon', msg: `daemon stopped (PID ${process.pid})${leaveWorkers && runningTasks(this.state).length ? '; workers left running' : ''}` });
    await this.commit();
    await this.render();
  }
}

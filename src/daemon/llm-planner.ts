// The LLM planner in the daemon: decides whether this cycle asks the model (the skip gate), builds
// the request, runs the rounds, applies what the core accepts, keeps the planner's record (spend,
// safe mode, hints, reviews) and journals each cycle's request size and cache use.
import { BACKENDS, type Config } from '../config/schema.js';
import { applyProposal } from './planner-apply.js';
import type { DecideInput, Decision, PlannerCycle } from './planner-port.js';

export type { DecideInput, Decision, PlannerCycle } from './planner-port.js';
import type { JudgeContext, Proposal } from '../core/proposals.js';
import { chargePlanner, afterFailure, afterSuccess, freshPlanner, modelAvailable } from '../core/safe-mode.js';
import { declineBackoffSeconds, declineBlocks, skipGate } from '../core/skip-gate.js';
import { goalDone } from '../core/tree.js';
import type { JournalDraft } from '../core/transitions.js';
import type { Layout } from '../store/layout.js';
import type { PlannerState, RunState, TaskState } from '../store/schema.js';
import { idProblem } from '../taskfile/ids.js';
import { pathProblem } from '../planner/confine.js';
import { createClient, type ModelClient } from '../planner/client.js';
import { deltaMessage, stablePrefix, type WorkerDigest } from '../planner/context.js';
import { runRounds, type LoopResult } from '../planner/loop.js';
import * as mem from '../planner/memory.js';
import { REVIEW_PROMPT } from '../planner/prompt.js';
import { apiTools } from '../planner/tools/index.js';
import { DEFAULT_READ_CAP_BYTES } from '../planner/tools/read-file.js';
import { DEFAULT_LIST_CAP_ENTRIES } from '../planner/tools/list-directory.js';

/** After a failed call (not yet safe mode), ask again this soon, or at the safe-mode probe interval if shorter. */
const RETRY_AFTER_FAILURE_MS = 15_000;

export class LlmPlanner {
  private readonly client: ModelClient;
  private readonly files: mem.MemoryFiles;
  private unseen: string[] = [];
  private abort = new AbortController();
  /** The model's view of task.md is stale until a call succeeds with the diff. */
  private pendingDiff: string | null = null;
  private failedAt: number | null = null;

  constructor(
    private readonly cfg: Config,
    private readonly layout: Layout,
    private readonly c: PlannerCycle,
    client?: ModelClient,
  ) {
    this.client = client ?? createClient(cfg);
    this.files = mem.memoryFiles(layout.memoryDir);
  }

  /** Stops an in-flight call (daemon shutdown). */
  cancel(): void {
    this.abort.abort();
  }

  private get planner(): PlannerState {
    const s = this.c.state();
    s.planner ??= freshPlanner();
    return s.planner;
  }

  private set planner(p: PlannerState) {
    this.c.state().planner = p;
  }

  private judgeContext(): JudgeContext {
    const cfg = this.cfg;
    return {
      now: new Date(),
      maxConcurrent: cfg.AURA_MAX_CONCURRENT_TASKS,
      maxAttempts: cfg.AURA_MAX_ATTEMPTS,
      maxTasks: 2000,
      holdReason: this.c.holdReason(),
      workerProblem: (t) => this.c.workerProblem(t),
      pathProblem: (p) => pathProblem(p),
      idProblem,
      workers: BACKENDS,
    };
  }

  async decide(i: DecideInput): Promise<Decision> {
    const now = new Date();
    const state = this.c.state();
    if (i.taskFileDiff) this.pendingDiff = this.pendingDiff ? `${this.pendingDiff}\n${i.taskFileDiff}` : i.taskFileDiff;
    const p = this.planner;
    if (!modelAvailable(p, now)) return { mode: 'rules', why: `safe mode: ${p.reason}`, nextDueAt: p.nextProbeAt ? new Date(p.nextProbeAt) : null, acted: false };
    const userWake = i.reasons.find((r) => r.startsWith('aura wake: ') && r !== 'aura wake: aura wake');
    const retryDue = this.failedAt !== null && Date.now() - this.failedAt >= this.retryMs;
    // Nothing startable any more: a past decline no longer holds anything back.
    if (i.startable === 0 && p.declines > 0) this.planner = { ...p, declines: 0, declinedUntil: null };
    const declinedUntil = declineBlocks(this.planner, now);
    const gate = skipGate({
      firstCall: p.calls === 0,
      goalDone: goalDone(state),
      budgetPaused: state.pause?.kind === 'budget',
      changes: i.changes.length,
      taskFileChanged: this.pendingDiff !== null,
      userReason: userWake ? userWake.slice('aura wake: '.length) : null,
      // Ready work the model just declined is asked about again after a backoff, not on every wake.
      startable: declinedUntil ? 0 : i.startable,
      hintDue: !!p.hintAt && new Date(p.hintAt) <= now,
      reviewDue: this.reviewDue(p),
      retryDue,
    });
    if (!gate.call) {
      const safe = p.mode === 'safe';
      const why = declinedUntil && i.startable > 0 ? `${gate.why}; ${i.startable} ready task(s) wait until ${declinedUntil.toISOString()} (the model declined them)` : gate.why;
      return { mode: safe ? 'rules' : 'skipped', why, nextDueAt: this.nextDue(i.startable > 0), acted: false };
    }
    return this.callModel(i, gate.why, now);
  }

  private get retryMs(): number {
    return Math.min(RETRY_AFTER_FAILURE_MS, this.cfg.AURA_API_SAFE_MODE_RETRY_SECONDS * 1000);
  }

  private reviewDue(p: PlannerState): boolean {
    const every = this.cfg.AURA_DEEP_REFLECTION_INTERVAL;
    return every > 0 && p.modelCycles - p.lastReviewCycle >= every;
  }

  /** The next time the planner wants a wake; with ready work waiting, the end of a decline backoff too. */
  private nextDue(readyWaiting = false): Date | null {
    const p = this.planner;
    const times = [p.hintAt, p.mode === 'safe' ? p.nextProbeAt : null, readyWaiting ? p.declinedUntil : null].filter((x): x is string => !!x).map((x) => new Date(x));
    if (this.failedAt !== null) times.push(new Date(this.failedAt + this.retryMs));
    return times.sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  }

  private async callModel(i: DecideInput, why: string, now: Date): Promise<Decision> {
    const state = this.c.state();
    const p = this.planner;
    const review = p.pendingReview ? await mem.readReview(this.files, p.pendingReview) : null;
    const prefix = stablePrefix(state, apiTools(), await mem.readProjectContext(this.files));
    const delta = deltaMessage(state, {
      now,
      cycle: state.cycle,
      wakeReasons: i.reasons,
      changes: i.changes,
      taskFileDiff: this.pendingDiff,
      workers: await this.c.workers(),
      memory: await mem.readMemoryForContext(this.files, this.cfg.AURA_MEMORY_MAX_CHARS),
      session: await mem.readSession(this.files),
      review,
      unseen: this.unseen,
      spend: this.spendLine(),
      limits: `Limits: ${this.cfg.AURA_MAX_CONCURRENT_TASKS} workers at once, ${this.cfg.AURA_MAX_ATTEMPTS} attempts per task${this.c.holdReason() ? `; nothing new may start: ${this.c.holdReason()}` : ''}.`,
    });
    let acted = false;
    let noOpReason: string | null = null;
    const refused: string[] = [];
    const host = {
      toolEnv: { project: this.layout.project, readCapBytes: DEFAULT_READ_CAP_BYTES, listCapEntries: DEFAULT_LIST_CAP_ENTRIES },
      apply: async (prop: Proposal, tool: string) => {
        const r = await this.apply(prop, tool);
        // Only changes to the tree count: a memory note must not buy another immediate cycle.
        if (r.ok && (prop.type === 'spawn' || prop.type === 'kill' || (prop.type === 'update' && prop.status !== undefined) || prop.type === 'decompose')) acted = true;
        if (prop.type === 'no_op') noOpReason = prop.reason;
        if (!r.ok && prop.type === 'spawn') refused.push(`${prop.task}: ${r.text}`);
        return r;
      },
    };
    const r = await runRounds({ client: this.client, config: this.cfg, prefix, delta, host, signal: this.abort.signal });
    if (this.abort.signal.aborted) {
      // Stopping: a call cut short says nothing about the API; only its spend is kept.
      this.planner = chargePlanner(this.planner, r.requests, r.usage);
      return { mode: 'skipped', why: 'aura is stopping', nextDueAt: null, acted };
    }
    this.record(r, why, review !== null);
    if (r.failure) {
      const after = afterFailure(this.planner, r.failure, now, {
        failuresForSafeMode: this.cfg.AURA_API_FAILURES_FOR_SAFE_MODE,
        probeSeconds: this.cfg.AURA_API_SAFE_MODE_RETRY_SECONDS,
      });
      this.planner = after.planner;
      this.failedAt = Date.now();
      this.c.log(`planner: ${r.failure.message}`);
      if (after.change === 'entered') this.safeMode(true, r.failure.message);
      const mode = this.planner.mode === 'safe' ? 'rules' : 'skipped';
      return { mode, why: `model call failed: ${r.failure.message}`, nextDueAt: this.nextDue(), acted };
    }
    this.failedAt = null;
    const after = afterSuccess(this.planner);
    this.planner = after.planner;
    if (after.change === 'left') this.safeMode(false, 'the API answers again');
    this.unseen = r.unseen;
    this.pendingDiff = null;
    this.planner = {
      ...this.planner,
      modelCycles: this.planner.modelCycles + 1,
      pendingReview: review !== null ? null : this.planner.pendingReview,
      hintAt: r.noOp?.wakeAfterSeconds ? new Date(now.getTime() + r.noOp.wakeAfterSeconds * 1000).toISOString() : null,
    };
    this.noteDecline(i.startable, acted, noOpReason, refused, now);
    if (this.reviewDue(this.planner)) await this.review(prefix);
    return { mode: 'model', why, nextDueAt: this.nextDue(i.startable > 0 && !acted), acted };
  }

  /**
   * Ready work the model left waiting (no_op, or its spawns refused): ask again after a backoff that
   * doubles while it keeps declining, and say so in the journal. Acting resets it.
   */
  private noteDecline(startable: number, acted: boolean, noOp: string | null, refused: string[], now: Date): void {
    const p = this.planner;
    if (acted || startable === 0) {
      if (p.declines > 0) this.planner = { ...p, declines: 0, declinedUntil: null };
      return;
    }
    const declines = p.declines + 1;
    const waitS = declineBackoffSeconds(declines, this.cfg.AURA_CYCLE_INTERVAL);
    const until = new Date(now.getTime() + waitS * 1000).toISOString();
    this.planner = { ...p, declines, declinedUntil: until };
    const why = refused.length ? `its starts were refused (${refused.join('; ').slice(0, 300)})` : noOp ? `it answered no_op: ${noOp.slice(0, 200)}` : 'it started nothing';
    this.c.journal({
      kind: 'decision',
      msg: `${startable} task(s) could start but the planner left them waiting: ${why}; asking again in ${waitS}s unless something changes first`,
      data: { declines, state: { planner: this.planner } },
    });
  }

  private safeMode(entered: boolean, reason: string): void {
    const msg = entered
      ? `planner in safe mode: ${reason}; the rules planner supervises until the API answers again (next try ${this.planner.nextProbeAt})`
      : 'planner back on the model: the API answers again';
    this.c.journal({ kind: 'planner', msg, data: { state: { planner: this.planner } } });
    this.c.note(msg);
    this.c.log(msg);
    this.c.safeModeEvent(entered, reason);
  }

  private spendLine(): string {
    const u = this.planner.usage;
    return `Your spend so far: ${u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens} input and ${u.outputTokens} output tokens, about $${(u.costUsd ?? 0).toFixed(4)}.`;
  }

  /** Usage into the planner's record and one journal entry per cycle with the request figures. */
  private record(r: LoopResult, why: string, reviewShown: boolean): void {
    this.planner = chargePlanner(this.planner, r.requests, r.usage);
    const last = r.rounds.at(-1);
    const msg = r.failure
      ? `model call failed after ${r.requests} request(s): ${r.failure.message}`
      : `model cycle (${why}): ${r.rounds.length} round(s), ${r.rounds.flatMap((x) => x.toolCalls).join(', ') || 'no tool calls'}`;
    this.c.journal({
      kind: 'planner',
      msg,
      data: {
        rounds: r.rounds,
        requests: r.requests,
        usage: r.usage,
        requestChars: last?.requestChars ?? null,
        refusals: r.refusals,
        reviewShown,
        state: { planner: this.planner },
      },
    });
  }

  private async review(prefix: ReturnType<typeof stablePrefix>): Promise<void> {
    const r = await runRounds({ client: this.client, config: this.cfg, prefix, delta: REVIEW_PROMPT, host: { toolEnv: { project: this.layout.project, readCapBytes: 0, listCapEntries: 0 }, apply: async () => ({ ok: false, text: 'reviews do not call tools' }) }, signal: this.abort.signal, textOnly: true });
    this.planner = { ...chargePlanner(this.planner, r.requests, r.usage), lastReviewCycle: this.planner.modelCycles };
    if (r.failure || !r.text) {
      this.c.journal({ kind: 'planner', msg: `review failed: ${r.failure?.message ?? 'no text in the answer'}`, data: { state: { planner: this.planner } } });
      return;
    }
    const rel = await mem.writeReview(this.files, r.text, new Date());
    this.planner = { ...this.planner, pendingReview: rel };
    this.c.journal({ kind: 'planner', msg: `review written to .aura/memory/${rel}`, data: { usage: r.usage, state: { planner: this.planner } } });
  }

  /** Judges a proposal with the pure core and applies it when accepted. */
  private apply(p: Proposal, tool: string): Promise<{ ok: boolean; text: string }> {
    return applyProposal({ cycle: this.c, files: this.files, cfg: this.cfg, judge: this.judgeContext() }, p, tool);
  }
}

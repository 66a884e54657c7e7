// One cycle of the loop, top to bottom: gather → decide → apply → persist → render.
//
//   gather   the person's requests (answered once on disk), task.md, worker exits, evidence, spend
//   decide   the rules' plan from the plan index (bookkeeping planned again until it settles), then
//            the LLM planner when it runs (the skip gate first)
//   apply    start what may start (the rules, or the model through the core's judgement)
//   persist  the journal, then state.json when the snapshot policy says so
//   render   progress.md and summaries at their own pace, the status cache as each commit lands (renderer.ts)
//
// Decisions are pure, in src/core (plan-index, attempt-end, run-outcome, budget-transition, snapshot-policy,
// evidence, outcome); each phase's I/O has its own module; ports and clock come in through CycleDeps (fakes in tests).
import { systemClock, type Clock } from '../core/clock.js';
import { runOutcome, stuckReason, type CycleResult } from '../core/run-outcome.js';
export type { CycleResult } from '../core/run-outcome.js';
import type { Action } from '../core/rules-planner.js';
import { currentAttempt, runningTasks } from '../core/tree.js';
import type { Config } from '../config/schema.js';
import type { Journal } from '../store/journal.js';
import type { Layout } from '../store/layout.js';
import type { RunState, TaskState } from '../store/schema.js';
import type { StateStore } from '../store/state-store.js';
import type { Totals } from '../core/budget.js';
import { checkBudget, reviewSpend } from './budget-step.js';
import { initCycle, type InitInput } from './cycle-init.js';
import { Notes, type CycleCtx } from './cycle-ctx.js';
import { createPorts, type Ports } from './cycle-ports.js';
import { newGitPort } from '../git/lock.js';
import { EvidenceJobs } from './evidence-jobs.js';
import type { LlmPlanner } from './llm-planner.js';
import { ModelStep } from './model-step.js';
import { PlanStep } from './plan-step.js';
import { answerRequests, operatorHostOf, type OperatorRequest } from './operator.js';
import type { WorkerExit } from './pool.js';
import type { DaemonInfoFn } from './render.js';
import { Renderer } from './renderer.js';
import type { AtRest } from './status-cache-keeper.js';
import { RunBook } from './run-book.js';
import { spawnTask, startByRules, tendSpare, type SpawnDeps } from './spawn-step.js';
import { TaskFileTracker } from './taskfile-tracker.js';
import { takeExit } from './worker-end.js';
import { resourceLines } from './watchdog-steps.js';

export interface CycleDeps {
  layout: Layout;
  journal: Journal;
  store: StateStore;
  notable?: import('../summaries/task-summary.js').NotableEvents; // kept as the journal is written; absent, the final report reads it again
  config: Config;
  env: NodeJS.ProcessEnv;
  taskFile: string;
  log: (line: string) => void;
  debug: (line: string) => void;
  /** Said even with --quiet (a missing spend cap); defaults to log. */
  warn?: (line: string) => void;
  wake: (reason: string) => void;
  daemonInfo: DaemonInfoFn;
  /** Runs a function between cycles (the daemon's WakeQueue.atRest): the status cache is taken there. */
  atRest: AtRest;
  /** Replaces the Anthropic client (tests, benchmarks). */
  modelClient?: import('../planner/client.js').ModelClient;
  /** Stands in for the real pool, watchdog, notifier and launcher (tests). */
  ports?: Partial<Ports>;
  clock?: Clock;
}

export class Cycle {
  readonly book: RunBook;
  readonly pool: Ports['pool'];
  readonly watchdog: Ports['watchdog'];
  readonly stalls: Ports['stalls'];
  /** The LLM planner, when AURA_PLANNER (or a key under auto) asks for it; loaded in init(). */
  llm: LlmPlanner | null = null;
  totals: Totals | null = null;
  private readonly x: CycleCtx;
  private readonly ports: Ports;
  private readonly evidence: EvidenceJobs;
  private readonly taskFile: TaskFileTracker;
  private readonly renderer: Renderer;
  private model: ModelStep | null = null;
  private readonly spawnDeps: SpawnDeps;
  private exits: WorkerExit[] = [];
  private requests: OperatorRequest[] = [];
  private draining = false;
  private readonly planStep: PlanStep;

  constructor(private readonly d: CycleDeps) {
    const clock = d.clock ?? systemClock;
    this.book = new RunBook({
      journal: d.journal,
      store: d.store,
      clock,
      log: d.log,
      attention: (t) => this.ports.attention(t),
      recorded: (draft) => this.model?.recorded(draft),
      committed: () => this.renderer.committed(),
    });
    this.ports = createPorts(d, {
      book: this.book,
      onExit: (e) => {
        this.queueExit(e);
        d.wake(`worker ${e.task} exited`);
      },
      ctx: () => this.x,
    });
    this.pool = this.ports.pool;
    this.watchdog = this.ports.watchdog;
    this.stalls = this.ports.stalls;
    this.x = {
      book: this.book,
      config: d.config,
      env: d.env,
      layout: d.layout,
      taskFile: d.taskFile,
      clock,
      uid: process.getuid?.() ?? -1,
      log: d.log,
      debug: d.debug,
      warn: d.warn ?? d.log,
      wake: d.wake,
      pool: this.ports.pool,
      watchdog: this.ports.watchdog,
      notifier: this.ports.notifier,
      standby: this.ports.standby,
      notes: new Notes(),
      killed: new Set(),
      git: newGitPort(),
    };
    this.evidence = new EvidenceJobs(this.x);
    this.taskFile = new TaskFileTracker(this.x, () => this.llm !== null);
    this.renderer = new Renderer(this.x, d.daemonInfo, d.atRest, d.notable);
    this.planStep = new PlanStep(this.x, this.evidence, () => this.llm !== null && this.book.state.planner?.mode !== 'safe');
    this.spawnDeps = { cgroup: null, ...(this.ports.launch ? { launch: this.ports.launch } : {}) };
  }

  get state(): RunState {
    return this.book.state;
  }

  /** Starting up: the planner, the loaded state, the task file, workers from before. */
  async init(o: InitInput): Promise<void> {
    const r = await initCycle(this.x, o, {
      taskFile: this.taskFile,
      queueExit: (e) => this.queueExit(e),
      restartEvidence: (t) => this.evidence.start(t, currentAttempt(t) ?? null),
      llm: (planner) => {
        this.llm = planner;
        this.model = new ModelStep(planner, this.d.debug);
      },
      bridge: () => ({
        x: this.x,
        spawn: (t) => this.spawn(t),
        holdReason: () => this.holdReason(),
        resources: () => this.resources(),
        stallSuspected: (task) => this.stalls.isSuspect(task),
        safeModeEvent: (entered, reason) => this.ports.safeModeEvent(entered, reason),
      }),
      modelClient: this.d.modelClient,
    });
    this.spawnDeps.cgroup = r.cgroup;
    tendSpare(this.x); // booting while the first cycle plans
  }

  async run(reasons: string[], o: { draining: boolean }, started: (cycle: number) => void): Promise<CycleResult> {
    const b = this.book;
    b.state.cycle += 1;
    started(b.state.cycle);
    b.wake(reasons);
    this.d.debug(`cycle ${b.state.cycle}: ${reasons.join('; ')}`);

    // gather. A person's request is answered only once its effect is on disk: a crash right after
    // the answer must not lose what they were told was done.
    await answerRequests(operatorHostOf(this.x, (id) => this.taskFile.renamedFrom(id)), this.requests.splice(0), () => b.commit());
    await this.taskFile.gather();
    for (const e of this.exits.splice(0)) await takeExit(this.x, this.evidence, e);
    this.evidence.take();
    this.taskFile.applyWaitingRenames();
    this.totals = await checkBudget(this.x);
    reviewSpend(this.x, false);

    // decide: bookkeeping first, so the model sees the tree as it is.
    const plan = this.planStep.settle();
    const startable = plan.actions.filter((a): a is Extract<Action, { type: 'spawn' }> => a.type === 'spawn');
    const llm = this.model && !o.draining ? await this.model.ask(reasons, b.state.pause ? 0 : startable.length, this.takeDiff()) : null;

    // apply: with the LLM planner the model starts work (the rules only in its safe mode).
    const byRules = !this.llm || llm?.mode === 'rules';
    const started_ = (llm?.acted ? 1 : 0) + (byRules && !o.draining ? await startByRules(this.x, startable, (t) => this.spawn(t)) : 0);
    // The model changed the tree: whatever it made startable is looked at now, not at the heartbeat.
    if (llm?.acted) this.d.wake('the planner changed the task tree');

    const nextDueAt = [plan.nextDueAt, llm?.nextDueAt ?? null].filter((x): x is Date => !!x).sort((p, q) => p.getTime() - q.getTime())[0] ?? null;
    const busy = this.busy();
    const outcome = runOutcome({
      goalDone: b.index.goalDone(),
      busy,
      started: started_,
      due: nextDueAt !== null,
      startable: startable.length,
      bookkeeping: plan.actions.some((a) => a.type === 'unblock' || a.type === 'check_group'),
      running: b.index.running,
      paused: b.state.pause !== null,
      modelPlans: this.llm !== null,
    });
    if (outcome === 'done') this.goalDone();
    tendSpare(this.x, this.draining);
    // Nothing in flight: a good moment for the snapshot (the next cycle may be hours away).
    await b.commit({ idle: busy === 0 });
    // Counted again after the commit's awaits: an exit reported meanwhile is still to be taken.
    return { outcome, ...(outcome === 'stuck' ? { stuckReason: stuckReason(b.state) } : {}), nextDueAt, busy: this.busy() };
  }

  private takeDiff(): string | null {
    // The planner keeps the diff until the model has seen it.
    const diff = this.taskFile.diff;
    this.taskFile.diff = null;
    return diff;
  }

  private goalDone(): void {
    const b = this.book;
    if (b.state.doneAt) return;
    b.state.doneAt = this.x.clock.now().toISOString();
    b.record({ kind: 'decision', msg: 'goal done: every task is verified', data: { state: { doneAt: b.state.doneAt } } });
    this.ports.goalDone();
  }

  /** Workers, evidence checks, and exits or evidence not yet taken by a cycle. */
  private busy(): number {
    return this.pool.size + this.evidence.busy + this.exits.length;
  }

  spawn(t: TaskState): Promise<void> {
    return spawnTask(this.x, this.spawnDeps, t);
  }

  /** Why nothing new may start now (a pause or a drain), or null. */
  holdReason(): string | null {
    if (this.draining) return 'aura is stopping';
    return this.book.state.pause?.reason ?? null;
  }

  /** Live resource lines per running task, from the watchdog's last polls. */
  resources(): Record<string, string> {
    return resourceLines(this.watchdog, this.pool);
  }

  request(r: OperatorRequest): void {
    this.requests.push(r);
  }

  /** A worker's end to be taken by the next cycle (the pool reports it; recovery and tests too). */
  queueExit(e: WorkerExit): void {
    this.exits.push(e);
  }

  markTaskFileDirty(): void {
    this.taskFile.markDirty();
  }

  note(msg: string): void {
    this.x.notes.add(msg);
  }

  async stopAllWorkers(reason: string, graceMs: number): Promise<void> {
    this.draining = true;
    await Promise.all([this.pool.stopAll(reason, graceMs), this.evidence.stopAll(graceMs), this.closeStandby()]);
  }

  /** The spare runner gone for good (before the exit sweep looks for anything of this run). */
  async closeStandby(): Promise<void> {
    await this.ports.standby?.close();
  }

  detachWorkers(): void {
    this.draining = true;
    void this.closeStandby();
    this.evidence.detach();
    this.pool.detachAll();
  }

  render(o: { force?: boolean } = {}): Promise<void> {
    return this.renderer.render(o);
  }

  async close(leaveWorkers: boolean): Promise<void> {
    this.llm?.cancel();
    // Exits reported while stopping are taken now, so state.json never says running with no worker.
    if (!leaveWorkers) for (const e of this.exits.splice(0)) await takeExit(this.x, this.evidence, e);
    this.stalls.close();
    this.watchdog.close();
    await this.closeStandby();
    await this.ports.notifier.close();
    if (leaveWorkers) this.pool.detachAll();
    this.pool.close?.();
    const left = leaveWorkers && runningTasks(this.book.state).length ? '; workers left running' : '';
    this.book.record({ kind: 'daemon', msg: `daemon stopped (PID ${process.pid})${left}` });
    await this.book.commit({ idle: true });
    await this.renderer.render({ force: true });
  }
}

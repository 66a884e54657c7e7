// The run as the daemon holds it: the state, the journal entries not yet on disk, the plan and status
// indexes, and the rules for putting them on disk. Every change to a task goes through setTask() or
// put(), so the plan index, the status index, the snapshot's list of changed tasks and the summaries
// due all see it; every journal draft goes through record(), so the LLM planner's "what changed" sees it.
//
// Persisting: the journal first (write-ahead), then state.json when the snapshot policy says so
// (core/snapshot-policy.ts). A wake of aura's own is journaled only if its cycle changed something.
import { performance } from 'node:perf_hooks';
import type { Clock } from '../core/clock.js';
import { PlanIndex } from '../core/plan-index.js';
import { snapshotDue } from '../core/snapshot-policy.js';
import { transition, type JournalDraft } from '../core/transitions.js';
import type { ViewFacts } from '../progress/facts.js';
import { StatusIndex } from '../progress/status-index.js';
import type { Attempt, JournalEntry, RunState, TaskState, TaskStatus } from '../store/schema.js';
import type { JournalPort, StorePort } from './ports.js';

/** Statuses a task summary is written for. */
export const FINAL: ReadonlySet<TaskStatus> = new Set(['done', 'failed', 'blocked', 'archived']);

/** Journal entries kept in memory for progress.md's "last decisions". */
export const RECENT = 40;

type Draft = JournalDraft & { ts?: string };

export interface RunBookDeps {
  journal: JournalPort;
  store: StorePort;
  clock: Clock;
  log: (line: string) => void;
  /** A task just reached a status a person may need to hear about (the notifier's hook). */
  attention?: (t: TaskState) => void;
  /** Every draft recorded (the LLM planner's change feed). */
  recorded?: (d: JournalDraft) => void;
  /** A commit put something on disk (the status cache follows it). */
  committed?: () => void;
}

export class RunBook {
  state!: RunState;
  readonly index = new PlanIndex();
  /** What `aura status` and progress.md show, kept one change at a time (progress/status-index.ts). */
  readonly view = new StatusIndex();
  /** The newest journal entries, for progress.md. */
  recent: JournalEntry[] = [];
  /** Tasks that reached a final status since their summaries were last written. */
  summariesDue = new Set<string>();
  private drafts: Draft[] = [];
  private pendingWake: Draft | null = null;
  private journaledPlanner: RunState['planner'] = null;
  private changedSinceSnapshot = new Set<string>();
  private entriesSinceSnapshot = 0;
  private journalBytesAtSnapshot = 0;
  private lastSnapshotAt = 0;
  private lastSnapshotCostMs = 0;

  constructor(private readonly d: RunBookDeps) {}

  /** A whole new state (start, task.md applied): the index is rebuilt from it. */
  adopt(state: RunState): void {
    this.state = state;
    this.index.rebuild(state);
    this.view.reset();
  }

  /** The progress view's facts of the run as it is now (factsOf, without walking every task). */
  viewFacts(): ViewFacts {
    return this.view.facts(this.state, this.recent);
  }

  /** Something the journal does not say yet: entries waiting for the next commit, or a newer planner record. */
  get uncommitted(): boolean {
    return this.drafts.length > 0 || (this.state.planner !== null && this.state.planner !== this.journaledPlanner);
  }

  setTask(t: TaskState): void {
    const before = this.state.tasks[t.id];
    this.state.tasks[t.id] = t;
    this.index.update(this.state, before, t);
    this.view.touch(t.id);
    this.changedSinceSnapshot.add(t.id);
    if (FINAL.has(t.status) && before?.status !== t.status) this.summariesDue.add(t.id);
  }

  put(t: TaskState, to: TaskStatus, reason: string, patch: Partial<TaskState> = {}): TaskState {
    const r = transition(t, to, reason, this.d.clock.now(), patch);
    this.setTask(r.task);
    this.record(r.entry);
    if (t.status !== to) {
      this.d.log(`${t.id}: ${t.status} → ${to} (${reason})`);
      this.d.attention?.(r.task);
    }
    return r.task;
  }

  /** A status change decided elsewhere (the evidence outcome), applied and journaled the same way. */
  apply(r: { task: TaskState; entry: JournalDraft }, from: TaskStatus): void {
    this.setTask(r.task);
    this.record(r.entry);
    this.d.log(`${r.task.id}: ${from} → ${r.task.status} (${r.task.reason})`);
    this.d.attention?.(r.task);
  }

  setAttempt(t: TaskState, a: Attempt): TaskState {
    const next = { ...t, attempts: t.attempts.map((x) => (x.n === a.n ? a : x)), updatedAt: this.d.clock.now().toISOString() };
    this.setTask(next);
    return next;
  }

  record(...ds: JournalDraft[]): void {
    // Stamped when it happened, not when it reached the disk.
    const ts = this.d.clock.now().toISOString();
    for (const d of ds) {
      this.drafts.push({ ts, ...d });
      this.d.recorded?.(d);
    }
  }

  /** A wake: journaled now when a person asked for it, else only if its cycle changes something. */
  wake(reasons: string[]): void {
    const w: Draft = { kind: 'wake', msg: reasons.join('; '), ts: this.d.clock.now().toISOString() };
    if (reasons.some((r) => r.startsWith('aura '))) this.drafts.push(w);
    else this.pendingWake = w;
  }

  /**
   * Journal first (write-ahead: on disk before anything acts on it), then state.json when the
   * snapshot policy says so. `idle`: nothing is running, or the daemon stops: write it now.
   */
  async commit(o: { idle?: boolean } = {}): Promise<void> {
    // The planner's record changes outside transitions (spend, hints): its latest goes with the entries.
    if (this.state.planner && this.state.planner !== this.journaledPlanner && (this.drafts.length || o.idle)) {
      this.drafts.push({ kind: 'planner', msg: 'planner record', data: { state: { planner: this.state.planner } } });
    }
    if (this.drafts.length && this.pendingWake) this.drafts.unshift(this.pendingWake);
    this.pendingWake = null;
    const wrote = this.drafts.length > 0;
    if (wrote) {
      const now = this.d.clock.now().toISOString();
      const written = await this.d.journal.append(this.drafts.map((d) => ({ ts: now, ...d, cycle: this.state.cycle })));
      this.drafts = [];
      this.journaledPlanner = this.state.planner;
      const last = written[written.length - 1];
      if (last) this.state.journalSeq = last.seq;
      this.recent = [...this.recent, ...written].slice(-RECENT);
      this.entriesSinceSnapshot += written.length;
    }
    const at = this.d.clock.now().getTime();
    const due = snapshotDue({
      entriesSince: this.entriesSinceSnapshot,
      bytesSince: this.d.journal.bytes - this.journalBytesAtSnapshot,
      lastBytes: this.d.store.lastBytes,
      msSinceLast: at - this.lastSnapshotAt,
      lastCostMs: this.lastSnapshotCostMs,
      idle: o.idle === true,
    });
    if (!due) {
      if (wrote) this.d.committed?.();
      return;
    }
    this.state.updatedAt = new Date(at).toISOString();
    this.state.journalBytes = this.d.journal.bytes;
    const changed = this.changedSinceSnapshot;
    this.changedSinceSnapshot = new Set();
    const t0 = performance.now();
    await this.d.store.save(this.state, this.d.store.lastBytes > 0 ? changed : undefined);
    this.lastSnapshotCostMs = performance.now() - t0;
    this.lastSnapshotAt = this.d.clock.now().getTime();
    this.entriesSinceSnapshot = 0;
    this.journalBytesAtSnapshot = this.d.journal.bytes;
    this.d.committed?.();
  }
}

// The progress view model: what progress.md and `aura status` show, as plain data. buildView makes
// it from state + journal; the renderers only lay it out. Strings here are raw (not escaped) but
// already bounded, so every renderer stays bounded without repeating the limits.
import type { JournalEntry, RunState, TaskStatus } from '../store/schema.js';
import type { ListItem } from './compact.js';

export const DAEMON_MODES = ['running', 'sleeping', 'draining', 'stopped', 'done'] as const;
export type DaemonMode = (typeof DAEMON_MODES)[number];

/** What the caller knows about the daemon; state.json does not hold it. */
export interface DaemonInfo {
  pid: number | null;
  mode: DaemonMode;
  nextWakeAt: string | null;
  startedAt: string | null;
  note?: string;
  /** Live resource figures per running task, from the watchdog ("CPU 12% · RSS 340 MB (peak 410 MB) ▁▃▅"). */
  resources?: Record<string, string>;
}

export interface ProgressInput {
  state: RunState;
  /** Recent journal entries, oldest first. */
  journalTail: JournalEntry[];
  daemon: DaemonInfo;
  now: Date;
}

/**
 * The one-word answer to "what is it doing": working (workers busy), waiting (nothing running,
 * something will run later), stuck (nothing can move without a person), draining, stopped, done.
 */
export const OVERALL_STATES = ['working', 'waiting', 'stuck', 'draining', 'stopped', 'done'] as const;
export type OverallState = (typeof OVERALL_STATES)[number];

export interface OverallView {
  state: OverallState;
  /** "Working", "Done", … */
  headline: string;
  /** "2 running, 3 done of 7, next wake 14:05:00 UTC" (may be empty). */
  detail: string;
  /** headline — detail */
  line: string;
  needsAttention: boolean;
}

export interface ArtifactView {
  path: string;
  ok: boolean;
  /** "12.3 KB" when ok, else why not ("missing", "not updated by this attempt", the gate's note). */
  detail: string;
}

export interface VerifyView {
  command: string;
  ok: boolean;
  /** "exit 0 in 4s", "timed out after 2m 00s", "killed by SIGTERM after 3s". */
  result: string;
  /** Last non-blank output lines, oldest first (≤ TAIL_LINES × TAIL_WIDTH). */
  tail: string[];
  logPath: string | null;
}

export interface EvidenceView {
  /** The attempt this evidence belongs to. */
  attempt: number;
  checkedAt: string;
  passed: boolean;
  summary: string;
  workerClean: boolean;
  artifacts: ArtifactView[];
  /** Artifacts left out to keep the page bounded. */
  moreArtifacts: number;
  verify: VerifyView | null;
}

export interface CurrentAttemptView {
  n: number;
  startedAt: string;
  elapsedMs: number;
  elapsed: string;
  /** "6m 40s left", "over by 1m 05s", or null when the attempt has no deadline. */
  budget: string | null;
}

export interface TaskView {
  id: string;
  title: string;
  status: TaskStatus;
  symbol: string;
  /** "done", "pending retry until 14:05:00 UTC", … */
  statusText: string;
  attempts: number;
  /** The attempt still in progress (no endedAt), if any. */
  current: CurrentAttemptView | null;
  /** How the last finished attempt ended, e.g. "attempt 3 ran out of budget after 10m 00s". */
  lastEnd: string | null;
  reason: string;
  /** From the most recent attempt that has evidence. */
  evidence: EvidenceView | null;
  /** Tokens and cost over every attempt, e.g. "12.3k tokens · $0.0412"; null when none reported. */
  usage: string | null;
  /** Ticked in task.md while its worker ran: the tick does not count. */
  voidTick: boolean;
  /** Issue 14: its latest attempt's git worktree and branch, in words; null when it had none. */
  git: string | null;
  children: TaskView[];
}

/**
 * A task tree answering for as much of it as a renderer shows: `list` folds and cuts at `max`
 * (compact.ts), so listing 100 tasks of a 20,000-task run costs 100 items (issue 13). `Item` is what
 * a listed task is (facts.ts: its record; the view: a TaskView), `Whole` what `all()` gives.
 */
export interface TreeListing<Item, Whole = Item> {
  /** Top-level tasks. */
  roots: number;
  /** Every task, subtasks included. */
  count: number;
  /** The ids of the first `max` top-level tasks. */
  rootIds(max: number): string[];
  /** Folded and cut at `max`; a listed task's subtasks are items of their own. */
  list(max: number): ListItem<Item>[];
  /** The whole tree, nested (tests, small runs; not for renderers of large runs). */
  all(): Whole[];
}

/** The task tree as the renderers see it: a view is made only for each task listed. */
export type TaskList = TreeListing<TaskView>;

export interface WorkerView {
  taskId: string;
  title: string;
  pid: number | null;
  /** A Slurm attempt's job (its id, or its name until the id is known), shown where a PID would be. */
  job?: string;
  command: string;
  startedAt: string;
  elapsedMs: number;
  elapsed: string;
  budget: string | null;
  overBudget: boolean;
  /** Live CPU/RSS/GPU from the watchdog, when the daemon has it. */
  resources: string | null;
}

export interface DecisionView {
  seq: number;
  /** "2025-03-01 14:02:11 UTC" */
  time: string;
  /** "14:02:11" on the day of `now`, else the date and time (no "UTC": for tight columns). */
  shortTime: string;
  kind: JournalEntry['kind'];
  taskId: string | null;
  taskTitle: string | null;
  text: string;
}

export interface TotalsView {
  tasks: number;
  archived: number;
  attempts: number;
  runTime: string;
  since: string;
  finished: boolean;
  cycle: number;
  /** The run's tokens and cost over every attempt, e.g. "41.2k tokens · $0.1234"; null when none. */
  usage: string | null;
  /** The LLM planner's line, e.g. "planner: model · 12 calls · 41.2k tokens · $0.0400"; null with the rules planner. */
  planner: string | null;
}

/** The run's spend cap as people read it; null when nothing in the run can spend (or it is not known). */
export interface SpendView {
  /** Something can spend with no cap limiting it. */
  warning: boolean;
  /** "no spend cap: claude workers can spend without limit; set …", or "spend cap: $5 for the whole run". */
  text: string;
}

export interface DaemonView {
  pid: number | null;
  mode: DaemonMode;
  nextWake: string | null;
  uptime: string | null;
  note: string | null;
}

export interface ProgressView {
  goal: string;
  generatedAt: string;
  stateUpdatedAt: string;
  journalSeq: number;
  overall: OverallView;
  spend: SpendView | null;
  counts: Record<TaskStatus, number>;
  daemon: DaemonView;
  /** Live tasks in task.md order, nested. */
  tasks: TaskList;
  /** Archived tasks (removed from task.md). */
  removed: TaskList;
  /** Failed and blocked live tasks in tree order: the first ATTENTION_MAX, and how many in all. */
  attention: { tasks: TaskView[]; total: number };
  /** Problems in task.md aura works around (numbered items that are not tasks, unknown keys), clipped. */
  taskFileWarnings: string[];
  workers: WorkerView[];
  /** Newest first, at most DECISIONS_MAX. */
  decisions: DecisionView[];
  /** Issue 14: branches waiting for a person (left for review, or blocked by a conflict), one line each. */
  branches: string[];
  totals: TotalsView;
}

export const STATUS_ORDER: readonly TaskStatus[] = [
  'done',
  'running',
  'verifying',
  'pending',
  'failed',
  'blocked',
  'archived',
];

export const STATUS_SYMBOL: Record<TaskStatus, string> = {
  done: '✅',
  running: '🔄',
  verifying: '🔍',
  pending: '⏳',
  failed: '❌',
  blocked: '⛔',
  archived: '🗄',
};

/** Pending, but held back by a retry backoff (notBefore in the future). */
export const RETRY_SYMBOL = '⏸';

// Bounds: progress.md is rewritten every cycle and read by people, so no single field may blow it up.
export const DECISIONS_MAX = 10;
/** Failing tasks the "needs attention" line names before "and N more". */
export const ATTENTION_MAX = 5;
export const TAIL_LINES = 5;
export const TAIL_WIDTH = 200;
export const ARTIFACTS_MAX = 10;
export const TITLE_MAX = 200;
export const TEXT_MAX = 300;
export const COMMAND_MAX = 200;

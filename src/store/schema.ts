// The persisted shapes: state.json and journal.jsonl lines. zod is the single source of truth; the
// TypeScript types below are inferred from it so code and file format cannot drift apart.
import { z } from 'zod';
import { JOURNAL_KINDS, TASK_STATUSES } from './kinds.js';
import { STATE_VERSION } from './version.js';
import { Attempt, UsageRecord } from './attempt-schema.js';

// One attempt's shapes live in their own file; every persisted shape is importable from here.
export * from './attempt-schema.js';

export const STATE_SCHEMA_VERSION = STATE_VERSION;

/**
 * Task statuses (documented in the README):
 * - pending:   not started yet, waiting for its dependencies, or waiting for a retry (see notBefore)
 * - running:   a worker is working on it
 * - verifying: the worker exited cleanly; aura is checking artifacts and running verify
 * - done:      the evidence gate passed (or the user ticked it `- [x]`)
 * - failed:    out of attempts, or cannot run as written; needs a person
 * - blocked:   cannot start: a dependency failed, or no worker can run it
 * - archived:  removed from task.md; history kept, never run again
 */
export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;


/**
 * Where a task came from, which decides what may remove it: taskfile (an item in task.md, or the goal
 * itself: only an edit of task.md reconciles it), planner (the planner decomposed a task: it stays
 * until the planner cancels it or the task.md item it hangs under is removed), aura (aura itself, e.g.
 * the watchdog's resource-fix subtasks: same as planner).
 */
export const TaskOrigin = z.enum(['taskfile', 'planner', 'aura']);
export type TaskOrigin = z.infer<typeof TaskOrigin>;

export const TaskState = z.object({
  id: z.string(),
  title: z.string(),
  /** The goal (the root, id `goal`) has none; every other live task hangs under a live parent. */
  parent: z.string().nullable(),
  origin: TaskOrigin.default('taskfile'),
  children: z.array(z.string()),
  status: TaskStatus,
  /** Why the task is in its status, in words. */
  reason: z.string(),
  // The spec as last read from task.md (kept so a removed task's history still makes sense).
  run: z.string().optional(),
  produces: z.array(z.string()),
  verify: z.string().optional(),
  needs: z.array(z.string()),
  budgetMs: z.number().int().positive().optional(),
  worker: z.string().optional(),
  extra: z.record(z.string(), z.string()),
  /** Free text under the item in task.md (not settings, not subtasks). */
  notes: z.string().default(''),
  userChecked: z.boolean(),
  /**
   * The item was ticked in task.md while its worker ran or was being verified. Such a tick does not
   * count (a worker could tick its own task); it stays void until the item is unticked, and a tick
   * after that is the person's word again.
   */
  voidTick: z.boolean().default(false),
  line: z.number().int().nonnegative(),
  /** Order among siblings in task.md. */
  order: z.number().int().nonnegative(),
  attempts: z.array(Attempt),
  /** Attempts before this index do not count toward AURA_MAX_ATTEMPTS (the user changed the task since). */
  attemptBase: z.number().int().nonnegative(),
  /**
   * Why a blocked task is blocked, which decides what unblocks it: deps (a dependency failed),
   * subtask (a subtask failed), worker (no worker can run it), auth (credentials refused: a person
   * or a restart), watchdog (waiting for its resource-fix subtask), planner (the model blocked it:
   * the model or a task.md edit lifts it). Null when not blocked.
   */
  blockedBy: z.enum(['deps', 'subtask', 'worker', 'auth', 'watchdog', 'planner', 'merge']).nullable().default(null),
  /** Earliest time the next attempt may start (retry backoff). */
  notBefore: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TaskState = z.infer<typeof TaskState>;

/**
 * The LLM planner's own record: whether it is talking to the model or supervising in safe mode (the
 * rules planner) after repeated API failures, what it has spent, and what it asked to be woken for.
 */
export const PlannerState = z.object({
  mode: z.enum(['model', 'safe']),
  /** Consecutive failed model calls. */
  failures: z.number().int().nonnegative(),
  /** Why safe mode, in words (null in model mode). */
  reason: z.string().nullable(),
  since: z.string().nullable(),
  /** In safe mode: when the next call may try the model again. */
  nextProbeAt: z.string().nullable(),
  /** Model calls made (requests, retries by the SDK not counted) and cycles that used the model. */
  calls: z.number().int().nonnegative(),
  modelCycles: z.number().int().nonnegative(),
  usage: UsageRecord,
  /** The model's no_op hint: wake and ask again at this time. */
  hintAt: z.string().nullable(),
  /**
   * The model was asked while tasks could start and started none (no_op, or its spawns were refused):
   * how many times in a row, and when it may be asked again for that reason alone (a backoff, so a
   * model that keeps declining is not called on every wake, yet ready work never waits for the heartbeat).
   */
  declines: z.number().int().nonnegative().default(0),
  declinedUntil: z.string().nullable().default(null),
  /** Review file (relative to .aura/memory) whose recommendations reach the next cycle once. */
  pendingReview: z.string().nullable(),
  lastReviewCycle: z.number().int().nonnegative(),
});
export type PlannerState = z.infer<typeof PlannerState>;

/**
 * What can spend money in this run and what limits it, as the daemon last worked it out (core/spend.ts):
 * the run caps (null: not set), the spenders (agent backends in use, "planner"), and those of them
 * that no cap limits.
 */
export const SpendCap = z.object({
  usd: z.number().positive().nullable(),
  tokens: z.number().int().positive().nullable(),
  spenders: z.array(z.string()),
  uncapped: z.array(z.string()),
});
export type SpendCap = z.infer<typeof SpendCap>;

export const RunState = z.object({
  schemaVersion: z.literal(STATE_SCHEMA_VERSION),
  /** Random id of this run; part of every worker's marker so leftovers are recognised after a crash. */
  runId: z.string(),
  /** Absolute path of the task file this state belongs to. */
  taskFile: z.string(),
  goal: z.string(),
  context: z.string(),
  goalOnly: z.boolean(),
  /** sha256 of the task file as last applied. */
  taskFileHash: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cycle: z.number().int().nonnegative(),
  /** Sequence number of the last journal entry this snapshot includes. */
  journalSeq: z.number().int().nonnegative(),
  /** The journal's size in bytes when this snapshot was written: readers replay from there. */
  journalBytes: z.number().int().nonnegative().default(0),
  /** The tree's root: always [GOAL_ID] (the goal itself); every live task is reachable from it. */
  roots: z.array(z.string()),
  tasks: z.record(z.string(), TaskState),
  /** Set once every task is done (or archived). */
  doneAt: z.string().nullable(),
  /** While set, nothing new is started (running workers go on unless the budget action says stop). */
  pause: z
    .object({ kind: z.enum(['budget', 'user']), reason: z.string(), since: z.string() })
    .nullable()
    .default(null),
  /** Null until the LLM planner first runs (and always with the rules planner). */
  planner: PlannerState.nullable().default(null),
  /** Non-fatal findings in the task file as last applied (shown in progress.md until fixed). */
  taskFileWarnings: z.array(z.string()).default([]),
  /** Absent until a daemon that knows about spend caps has saved (optional, so older files still load). */
  spendCap: SpendCap.nullish(),
});
export type RunState = z.infer<typeof RunState>;

export const JournalKind = z.enum(JOURNAL_KINDS);
export type JournalKind = z.infer<typeof JournalKind>;

export const JournalEntry = z.object({
  seq: z.number().int().positive(),
  ts: z.string(),
  cycle: z.number().int().nonnegative(),
  kind: JournalKind,
  task: z.string().optional(),
  from: TaskStatus.optional(),
  to: TaskStatus.optional(),
  /** Human-readable reason. */
  msg: z.string(),
  /** Structured facts: evidence, exit codes, diffs, figures. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

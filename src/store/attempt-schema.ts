// The persisted shape of one attempt (state.json's tasks[*].attempts and the journal's copies): how
// it ran, how it ended and the evidence that judged it. Re-exported by store/schema.ts.
import { z } from 'zod';

/** How one attempt ended, as far as the worker process goes (before the evidence gate). */
export const AttemptOutcome = z.enum([
  'exited', // exited on its own; see exitCode
  'timeout', // budget ran out; aura stopped it
  'killed', // stopped by aura for another reason (task removed, kill command, shutdown)
  'lost', // the daemon restarted and the worker was gone without leaving an exit status
  'spawn_error', // could not be started at all
]);
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

export const ProcessRef = z.object({
  pid: z.number().int().positive(),
  /** Process start time in clock ticks since boot (/proc/<pid>/stat field 22): the PID-reuse guard. */
  startTicks: z.number().int().nonnegative().nullable(),
  pgid: z.number().int().positive(),
});
export type ProcessRef = z.infer<typeof ProcessRef>;

export const ArtifactCheck = z.object({
  path: z.string(),
  exists: z.boolean(),
  size: z.number().nonnegative(),
  fresh: z.boolean(),
  ok: z.boolean(),
  note: z.string().optional(),
});
export type ArtifactCheck = z.infer<typeof ArtifactCheck>;

export const VerifyCheck = z.object({
  command: z.string(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().nonnegative(),
  ok: z.boolean(),
  /** Last lines of the verify output, for progress.md and the journal. */
  outputTail: z.string(),
  /** Full output lives here, relative to .aura/. */
  logPath: z.string().optional(),
});
export type VerifyCheck = z.infer<typeof VerifyCheck>;

export const Evidence = z.object({
  checkedAt: z.string(),
  passed: z.boolean(),
  /** One line a person can read: why done, or why not. */
  summary: z.string(),
  workerClean: z.boolean(),
  artifacts: z.array(ArtifactCheck),
  verify: VerifyCheck.nullable(),
});
export type Evidence = z.infer<typeof Evidence>;

/** What a produces: path looked like just before the attempt started, to prove freshness later. */
export const PriorArtifact = z.object({
  path: z.string(),
  existed: z.boolean(),
  mtimeMs: z.number().optional(),
  size: z.number().optional(),
  ino: z.number().optional(),
  /** sha256 of a file's content, or of a directory's manifest; absent when too large to hash. */
  digest: z.string().optional(),
});
export type PriorArtifact = z.infer<typeof PriorArtifact>;

export const UsageRecord = z.object({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  cacheReadTokens: z.number().nonnegative(),
  cacheWriteTokens: z.number().nonnegative(),
  costUsd: z.number().nonnegative().nullable(),
});
export type UsageRecord = z.infer<typeof UsageRecord>;

/** How an agent CLI's run ended, read from its stream (not from the exit code alone). */
export const Classification = z.object({
  kind: z.enum(['success', 'failed', 'max_turns', 'budget_exhausted', 'api_error', 'rate_limited', 'killed', 'crashed']),
  message: z.string(),
  retryAt: z.string().optional(),
});
export type Classification = z.infer<typeof Classification>;

/**
 * What an attempt is judged by, fixed when it started: an edit of task.md while it runs (by a person,
 * or by a worker that rewrites its own produces: or verify:) cannot change the bar it must clear.
 */
export const AttemptContract = z.object({
  produces: z.array(z.string()),
  verify: z.string().optional(),
  run: z.string().optional(),
  worker: z.string().optional(),
});
export type AttemptContract = z.infer<typeof AttemptContract>;

/**
 * The batch job that runs an attempt (the Slurm executor). Its name is on disk before sbatch runs, so
 * a daemon that dies mid-submit finds the job again by name; the id is a hint, never the proof.
 */
export const JobRef = z.object({
  executor: z.literal('slurm'),
  name: z.string(),
  id: z.string().nullable(),
  /** The --mem it asked for, bytes (the figure an out-of-memory end is measured against). */
  memBytes: z.number().nonnegative().nullable().default(null),
});
export type JobRef = z.infer<typeof JobRef>;

/** An attempt's own git worktree and branch (issue 14), fixed when it started. */
export const WorktreeRef = z.object({
  /** The worktree's root, absolute. */
  path: z.string(),
  /** Where the worker runs and the gate judges: the project's place inside the worktree, absolute. */
  workDir: z.string(),
  branch: z.string(),
  /** The project's branch it was made from and is merged back into. */
  target: z.string(),
  /** The commit it was made from. */
  base: z.string(),
  /** Links aura made in it (relative to its root): never committed. */
  linked: z.array(z.string()).default([]),
});
export type WorktreeRef = z.infer<typeof WorktreeRef>;

/** What became of a verified attempt's branch. */
export const MergeRecord = z.object({
  /** merged: in the project's branch; branch: left for review (AURA_MERGE=branch); conflict: not merged. */
  result: z.enum(['merged', 'branch', 'conflict']),
  how: z.enum(['fast-forward', 'rebase', 'already']).nullable().default(null),
  /** The project's branch's new tip (merged) or the branch's tip. */
  tip: z.string().nullable().default(null),
  /** `git diff --shortstat` of the attempt's work, shortened; null when it changed nothing. */
  stat: z.string().nullable().default(null),
  /** Files in conflict. */
  files: z.array(z.string()).default([]),
  message: z.string(),
  at: z.string(),
});
export type MergeRecord = z.infer<typeof MergeRecord>;

export const Attempt = z.object({
  n: z.number().int().positive(),
  /** Attempt directory, relative to .aura/. */
  dir: z.string(),
  worker: z.string(),
  command: z.string().optional(),
  marker: z.string(),
  startedAt: z.string(),
  deadline: z.string().nullable(),
  process: ProcessRef.nullable(),
  /** Set when a batch job runs the attempt instead of a local process (then process stays null). */
  job: JobRef.nullable().default(null),
  priorArtifacts: z.array(PriorArtifact),
  endedAt: z.string().nullable(),
  outcome: AttemptOutcome.nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** Why the attempt was stopped, when aura stopped it. */
  stopReason: z.string().nullable(),
  /** The figures behind a stop by aura (the watchdog's verdict), kept for escalation and the record. */
  stopData: z.record(z.string(), z.unknown()).nullable().default(null),
  /** Agent workers: the stream's verdict (a claim; the evidence gate still decides). */
  classification: Classification.nullable().default(null),
  /** Tokens and cost this attempt used, as the worker reported them. */
  usage: UsageRecord.nullable().default(null),
  evidence: Evidence.nullable(),
  /** The contract it is judged by (null: an attempt from before contracts were fixed; the task's own). */
  contract: AttemptContract.nullable().default(null),
  /** The filesystem's time when the attempt started (a marker's birth time): what "new" is judged against. */
  fenceMs: z.number().nullable().default(null),
  /** Issue 14: the attempt's own git worktree, when it has one. */
  worktree: WorktreeRef.nullable().default(null),
  /** Issue 14: what became of its branch once verified. */
  merge: MergeRecord.nullable().default(null),
});
export type Attempt = z.infer<typeof Attempt>;

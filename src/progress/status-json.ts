// `aura status --json`: a stable, machine-readable shape. The zod schema is the contract (scripts and
// tests parse with it); values are raw (ISO times, ms, untruncated text) — formatting is for people.
import { branchesForReview, gitView } from './git-view.js';
import { addUsage, emptyTotals, runTotals, type Totals } from '../core/budget.js';
import { spendWarning } from '../core/spend.js';
import { z } from 'zod';
import type { RunState } from '../store/schema.js';
import { TaskStatus } from '../store/schema.js';
import { elapsedMs } from './format.js';
import { countByStatus, overallOfState } from './overall.js';
import { activeAttempt, lastEvidence } from './task-view.js';
import { taskForest, type TaskNode } from './tree.js';
import { DAEMON_MODES, OVERALL_STATES, type DaemonInfo } from './types.js';

const OverallState = z.enum(OVERALL_STATES);
const DaemonMode = z.enum(DAEMON_MODES);

export const RunningJson = z.object({
  /** Null while the worker is being spawned (no process recorded yet). */
  pid: z.number().int().positive().nullable(),
  startedAt: z.string(),
  elapsedMs: z.number().nonnegative(),
  command: z.string(),
});
export type RunningJson = z.infer<typeof RunningJson>;

/** Tokens and cost as the workers reported them; costUsd is null when no attempt reported a cost. */
export const UsageJson = z.object({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  costUsd: z.number().nonnegative().nullable(),
});
export type UsageJson = z.infer<typeof UsageJson>;

function usageJson(t: Totals): UsageJson {
  return { inputTokens: t.inputTokens, outputTokens: t.outputTokens, costUsd: t.costed > 0 ? t.costUsd : null };
}

export const TaskJson = z.object({
  id: z.string(),
  title: z.string(),
  /** What it is doing: a pending group with a worker running under it is `running` (see ownStatus). */
  status: TaskStatus,
  /** Its own recorded status (for a group: pending until aura checks it once every subtask is done). */
  ownStatus: TaskStatus,
  /** Where it came from: taskfile (task.md), planner (the LLM planner decomposed a task), aura (the watchdog). */
  origin: z.enum(['taskfile', 'planner', 'aura']),
  reason: z.string(),
  /** Attempts made so far (the maximum is configuration, not state). */
  attempts: z.number().int().nonnegative(),
  notBefore: z.string().nullable(),
  running: RunningJson.nullable(),
  /** From the most recent attempt that reached the evidence gate. */
  evidence: z.object({ passed: z.boolean(), summary: z.string() }).nullable(),
  /** Issue 14: its latest attempt with a git worktree: branch, worktree, diff stat, what became of it. */
  git: z
    .object({
      attempt: z.number().int().positive(),
      branch: z.string(),
      worktree: z.string(),
      target: z.string(),
      state: z.enum(['working', 'verifying', 'merged', 'branch', 'conflict', 'kept']),
      how: z.string().nullable(),
      stat: z.string().nullable(),
      text: z.string(),
    })
    .nullable()
    .default(null),
  /** Summed over every attempt of this task. */
  usage: UsageJson,
  // A getter makes the schema recursive (zod 4); subtasks nest here, in task.md order.
  get children(): z.ZodArray<typeof TaskJson> {
    return z.array(TaskJson);
  },
});
export type TaskJson = z.infer<typeof TaskJson>;

/**
 * What can spend money in the run and what limits it. `uncapped` lists the spenders no cap limits
 * ("no spend cap"); `warning` says it in words. Empty `spenders` (shell workers, rules planner):
 * nothing can spend.
 */
export const SpendCapJson = z.object({
  /** AURA_RUN_BUDGET_USD, null when not set. */
  usd: z.number().positive().nullable(),
  /** AURA_RUN_TOKEN_BUDGET, null when not set. */
  tokens: z.number().int().positive().nullable(),
  /** Agent backends in use ("claude", "codex", …) and "planner" when the LLM planner runs. */
  spenders: z.array(z.string()),
  uncapped: z.array(z.string()),
  warning: z.string().nullable(),
});
export type SpendCapJson = z.infer<typeof SpendCapJson>;

export const StatusJson = z.object({
  goal: z.string(),
  state: OverallState,
  daemon: z.object({
    pid: z.number().int().positive().nullable(),
    mode: DaemonMode,
    nextWakeAt: z.string().nullable(),
  }),
  counts: z.record(TaskStatus, z.number().int().nonnegative()),
  /** The goal's tasks in task.md order (then the planner's), then archived tasks (status 'archived'). */
  tasks: z.array(TaskJson),
  /** Problems in the task file that aura works around (numbered items that are not tasks, unknown keys). */
  taskFileWarnings: z.array(z.string()),
  /** The whole run, every attempt of every task. */
  usage: UsageJson,
  /** Issue 14: branches waiting for a person (left for review under AURA_MERGE=branch, or blocked by a conflict). */
  branches: z.array(z.object({ taskId: z.string(), branch: z.string(), state: z.enum(['branch', 'conflict']), text: z.string() })).default([]),
  /** Null when the run was last saved by an aura that did not record it. */
  spendCap: SpendCapJson.nullable(),
  /** Set while nothing new is started (a run budget was reached). */
  pause: z.object({ kind: z.string(), reason: z.string(), since: z.string() }).nullable(),
  /** The LLM planner's mode and spend; null with the rules planner. */
  planner: z
    .object({ mode: z.enum(['model', 'safe']), reason: z.string().nullable(), requests: z.number().int().nonnegative(), usage: UsageJson })
    .nullable(),
});
export type StatusJson = z.infer<typeof StatusJson>;

function taskJson(node: TaskNode, now: number): TaskJson {
  const { task } = node;
  const a = activeAttempt(task);
  const ev = lastEvidence(task);
  return {
    id: task.id,
    title: task.title,
    status: node.status,
    ownStatus: task.status,
    origin: task.origin,
    reason: task.reason,
    attempts: task.attempts.length,
    notBefore: task.notBefore,
    running: a
      ? {
          pid: a.process?.pid ?? null,
          startedAt: a.startedAt,
          elapsedMs: elapsedMs(a.startedAt, now),
          command: a.command ?? `${a.worker} worker`,
        }
      : null,
    evidence: ev ? { passed: ev.evidence.passed, summary: ev.evidence.summary } : null,
    git: gitView(task),
    usage: usageJson(task.attempts.reduce((acc, x) => addUsage(acc, x.usage), emptyTotals())),
    children: node.children.map((c) => taskJson(c, now)),
  };
}

export function statusJson(state: RunState, daemon: DaemonInfo, now: Date): StatusJson {
  const forest = taskForest(state);
  const counts = countByStatus(state);
  const t = now.getTime();
  return {
    goal: state.goal,
    state: overallOfState(state, counts, daemon, now).state,
    daemon: { pid: daemon.pid, mode: daemon.mode, nextWakeAt: daemon.nextWakeAt },
    counts,
    tasks: [...forest.live, ...forest.archived].map((n) => taskJson(n, t)),
    taskFileWarnings: state.taskFileWarnings ?? [],
    branches: branchesForReview(state),
    usage: usageJson(runTotals(state)),
    spendCap: state.spendCap ? { ...state.spendCap, warning: spendWarning(state.spendCap) } : null,
    pause: state.pause,
    planner: state.planner
      ? { mode: state.planner.mode, reason: state.planner.reason, requests: state.planner.calls, usage: usageJson(addUsage(emptyTotals(), state.planner.usage)) }
      : null,
  };
}

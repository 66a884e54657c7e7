// GET /api/v1/tasks/<id>: one task with its settings, every attempt with its evidence, the recent
// journal entries about it and the tail of its latest output. Pure: the files were read by read.ts.
import type { UsageJson } from '../progress/status-json.js';
import type { Attempt, Evidence, JournalEntry, RunState, TaskState, UsageRecord } from '../store/schema.js';
import { addUsage, emptyTotals } from '../core/budget.js';
import { publicEntry, type PublicEntry } from './entries.js';

export type LogStream = 'stdout' | 'stderr' | 'events';

export interface LogTail {
  task: string;
  attempt: number;
  stream: LogStream;
  /** The last lines; a capped log shows as head, "[… tail …]", tail. */
  text: string;
  /** Bytes were left off the front to keep the answer small. */
  clipped: boolean;
  /** The attempt has ended: nothing more will be written. */
  ended: boolean;
}

export interface AttemptJson {
  n: number;
  worker: string;
  command: string | null;
  /** Relative to .aura/. */
  dir: string;
  pid: number | null;
  startedAt: string;
  endedAt: string | null;
  deadline: string | null;
  outcome: Attempt['outcome'];
  exitCode: number | null;
  signal: string | null;
  stopReason: string | null;
  classification: Attempt['classification'];
  usage: UsageRecord | null;
  evidence: Evidence | null;
}

export interface TaskDetail {
  task: {
    id: string;
    title: string;
    status: TaskState['status'];
    reason: string;
    parent: string | null;
    children: string[];
    needs: string[];
    run: string | null;
    produces: string[];
    verify: string | null;
    worker: string | null;
    budgetMs: number | null;
    notes: string;
    notBefore: string | null;
    blockedBy: TaskState['blockedBy'];
    /** Attempts before this one do not count toward the limit (a retry or an edit reset them). */
    attemptBase: number;
    usage: UsageJson;
  };
  attempts: AttemptJson[];
  /** The latest journal entries about this task, oldest first. */
  journal: PublicEntry[];
  log: LogTail | null;
  live: { lastOutputAt: string | null; lastEventAt: string | null; usage: UsageRecord | null } | null;
}

// The attempt's marker (the workers' environment marker) and its process group stay out: they are
// the worker's environment, not facts a person needs.
function attemptJson(a: Attempt): AttemptJson {
  return {
    n: a.n,
    worker: a.worker,
    command: a.command ?? null,
    dir: a.dir,
    pid: a.process?.pid ?? null,
    startedAt: a.startedAt,
    endedAt: a.endedAt,
    deadline: a.deadline,
    outcome: a.outcome,
    exitCode: a.exitCode,
    signal: a.signal,
    stopReason: a.stopReason,
    classification: a.classification,
    usage: a.usage,
    evidence: a.evidence,
  };
}

export function taskDetail(
  state: RunState,
  id: string,
  files: { journal: JournalEntry[]; log: LogTail | null; live: TaskDetail['live'] },
): TaskDetail | null {
  const t = state.tasks[id];
  if (!t) return null;
  let sum = emptyTotals();
  for (const a of t.attempts) sum = addUsage(sum, a.usage ?? (a.endedAt === null ? files.live?.usage : null));
  return {
    task: {
      id: t.id,
      title: t.title,
      status: t.status,
      reason: t.reason,
      parent: t.parent,
      children: [...t.children],
      needs: [...t.needs],
      run: t.run ?? null,
      produces: [...t.produces],
      verify: t.verify ?? null,
      worker: t.worker ?? null,
      budgetMs: t.budgetMs ?? null,
      notes: t.notes,
      notBefore: t.notBefore,
      blockedBy: t.blockedBy,
      attemptBase: t.attemptBase,
      usage: { inputTokens: sum.inputTokens, outputTokens: sum.outputTokens, costUsd: sum.costed > 0 ? sum.costUsd : null },
    },
    attempts: t.attempts.map(attemptJson),
    journal: files.journal.map(publicEntry),
    log: files.log,
    live: files.live,
  };
}

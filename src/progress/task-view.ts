// One task as the progress page shows it: status with its symbol, the attempt in progress, how the
// last attempt ended, and the evidence that decided (or will decide) whether it is done.
import { addUsage, emptyTotals } from '../core/budget.js';
import { usageText } from './usage.js';
import type { Attempt, Evidence, TaskState, VerifyCheck } from '../store/schema.js';
import { bytes, clip, clockTime, duration, elapsedMs, parseTime, stamp, tailLines } from './format.js';
import type { TaskNode } from './tree.js';
import { gitView } from './git-view.js';
import type { ArtifactView, CurrentAttemptView, EvidenceView, TaskView, VerifyView } from './types.js';
import {
  ARTIFACTS_MAX,
  COMMAND_MAX,
  RETRY_SYMBOL,
  STATUS_SYMBOL,
  TAIL_LINES,
  TAIL_WIDTH,
  TEXT_MAX,
  TITLE_MAX,
} from './types.js';

/** The attempt still in progress: the last one, when it has not ended. */
export function activeAttempt(task: TaskState): Attempt | null {
  const last = task.attempts[task.attempts.length - 1];
  return last && last.endedAt === null ? last : null;
}

/** Attempt `n` of a task, or its latest when `n` is null. */
export function pickAttempt(task: TaskState, n: number | null): Attempt | undefined {
  return n === null ? task.attempts[task.attempts.length - 1] : task.attempts.find((a) => a.n === n);
}

/** The most recent attempt that reached the evidence gate. */
export function lastEvidence(task: TaskState): { attempt: Attempt; evidence: Evidence } | null {
  for (let i = task.attempts.length - 1; i >= 0; i--) {
    const attempt = task.attempts[i];
    if (attempt?.evidence) return { attempt, evidence: attempt.evidence };
  }
  return null;
}

export function isRetryWaiting(task: TaskState, now: number): boolean {
  const at = parseTime(task.notBefore);
  return task.status === 'pending' && at !== null && at > now;
}

/** "6m 40s left" / "over by 1m 05s" / null (no deadline). */
export function budgetText(deadline: string | null, now: number): { text: string | null; over: boolean } {
  const at = parseTime(deadline);
  if (at === null) return { text: null, over: false };
  return at >= now ? { text: `${duration(at - now)} left`, over: false } : { text: `over by ${duration(now - at)}`, over: true };
}

function currentView(attempt: Attempt, now: number): CurrentAttemptView {
  const ms = elapsedMs(attempt.startedAt, now);
  return { n: attempt.n, startedAt: attempt.startedAt, elapsedMs: ms, elapsed: duration(ms), budget: budgetText(attempt.deadline, now).text };
}

/** How an attempt ended, in words; the evidence gate's verdict is shown separately. */
export function endText(a: Attempt): string | null {
  if (a.endedAt === null || a.outcome === null) return null;
  const took = duration(elapsedMs(a.startedAt, parseTime(a.endedAt) ?? 0));
  const why = a.stopReason ? `: ${a.stopReason}` : '';
  let how: string;
  switch (a.outcome) {
    case 'exited':
      how = a.signal ? `was killed by ${a.signal}` : `exited ${a.exitCode ?? '?'}`;
      break;
    case 'timeout':
      how = 'ran out of budget';
      break;
    case 'killed':
      how = `was stopped by aura${why}`;
      break;
    case 'lost':
      how = 'was lost when the daemon restarted';
      break;
    case 'spawn_error':
      return clip(`attempt ${a.n} could not start${why}`, TEXT_MAX);
  }
  return clip(`attempt ${a.n} ${how} after ${took}`, TEXT_MAX);
}

function artifactView(c: Evidence['artifacts'][number]): ArtifactView {
  let detail: string;
  if (c.ok) detail = bytes(c.size);
  else if (c.note) detail = c.note;
  else if (!c.exists) detail = 'missing';
  else if (!c.fresh) detail = 'not updated by this attempt';
  else if (c.size === 0) detail = 'empty';
  else detail = 'failed the check';
  return { path: clip(c.path, COMMAND_MAX), ok: c.ok, detail: clip(detail, TEXT_MAX) };
}

function verifyView(v: VerifyCheck): VerifyView {
  const took = duration(v.durationMs);
  const result = v.timedOut
    ? `timed out after ${took}`
    : v.signal
      ? `killed by ${v.signal} after ${took}`
      : `exit ${v.exitCode ?? '?'} in ${took}`;
  return {
    command: clip(v.command, COMMAND_MAX),
    ok: v.ok,
    result,
    tail: tailLines(v.outputTail, TAIL_LINES, TAIL_WIDTH),
    logPath: v.logPath ?? null,
  };
}

export function evidenceView(attempt: Attempt, e: Evidence): EvidenceView {
  // Failing checks first: when the list is cut, the reason for "not done" must survive the cut.
  const sorted = [...e.artifacts].sort((a, b) => Number(a.ok) - Number(b.ok));
  const shown = sorted.slice(0, ARTIFACTS_MAX);
  return {
    attempt: attempt.n,
    checkedAt: stamp(e.checkedAt),
    passed: e.passed,
    summary: clip(e.summary, TEXT_MAX),
    workerClean: e.workerClean,
    artifacts: shown.map(artifactView),
    moreArtifacts: e.artifacts.length - shown.length,
    verify: e.verify ? verifyView(e.verify) : null,
  };
}

/** A task and its whole subtree as views. */
export function taskView(node: TaskNode, now: Date): TaskView {
  return listedView(node, now, node.children.map((c) => taskView(c, now)));
}

/** One task as a view; `children` are the caller's (none for a task listed on its own line). */
export function listedView(node: { task: TaskState; status: TaskNode['status'] }, now: Date, children: TaskView[] = []): TaskView {
  const { task } = node;
  const t = now.getTime();
  const retry = isRetryWaiting(task, t);
  const current = activeAttempt(task);
  const last = task.attempts[task.attempts.length - 1];
  const ev = lastEvidence(task);
  return {
    id: task.id,
    title: clip(task.title, TITLE_MAX),
    status: node.status,
    symbol: retry ? RETRY_SYMBOL : STATUS_SYMBOL[node.status],
    statusText: retry ? `pending retry until ${clockTime(task.notBefore, now)}` : node.status !== task.status ? `${node.status} (a subtask is)` : task.status,
    attempts: task.attempts.length,
    current: current ? currentView(current, t) : null,
    lastEnd: !current && last ? endText(last) : null,
    reason: clip(task.reason, TEXT_MAX),
    evidence: ev ? evidenceView(ev.attempt, ev.evidence) : null,
    usage: usageText(task.attempts.reduce((acc, a) => addUsage(acc, a.usage), emptyTotals())),
    voidTick: task.voidTick === true,
    git: gitView(task)?.text ?? null,
    children,
  };
}

// buildView: state + journal tail + daemon facts + the clock → the progress view model. Pure: no
// I/O and no Date.now(), so the same input always renders the same page (and tests can pin `now`).
import { runTotals } from '../core/budget.js';
import { spendLine, spendWarning } from '../core/spend.js';
import type { JournalEntry, RunState } from '../store/schema.js';
import { clip, clockTime, duration, elapsedMs, parseTime, shortClock, stamp } from './format.js';
import { countByStatus, overallOf } from './overall.js';
import { activeAttempt, budgetText, taskView } from './task-view.js';
import { taskForest, type TaskNode } from './tree.js';
import { usageText } from './usage.js';
import { branchesForReview } from './git-view.js';
import type { DaemonInfo, DaemonView, DecisionView, ProgressInput, ProgressView, TotalsView, WorkerView } from './types.js';
import { COMMAND_MAX, DECISIONS_MAX, TEXT_MAX, TITLE_MAX } from './types.js';

export type * from './types.js';

/** Journal kinds worth a line in "recent decisions": what aura decided and what changed because of it. */
export const DECISION_KINDS: ReadonlySet<JournalEntry['kind']> = new Set(['decision', 'status']);

export function buildView(input: ProgressInput): ProgressView {
  const { state, daemon, now } = input;
  const forest = taskForest(state);
  const counts = countByStatus(state);
  return {
    goal: clip(state.goal, TEXT_MAX),
    generatedAt: stamp(now.toISOString()),
    stateUpdatedAt: stamp(state.updatedAt),
    journalSeq: state.journalSeq,
    overall: overallOf(state, counts, daemon, now),
    spend: spendView(state),
    counts,
    daemon: daemonView(daemon, now),
    tasks: forest.live.map((n) => taskView(n, now)),
    removed: forest.archived.map((n) => taskView(n, now)),
    taskFileWarnings: (state.taskFileWarnings ?? []).slice(0, 5).map((w) => clip(w, TEXT_MAX)),
    workers: workersOf([...forest.live, ...forest.archived], now).map((w) => ({ ...w, resources: input.daemon.resources?.[w.taskId] ?? null })),
    decisions: decisionsOf(input.journalTail, state, now),
    branches: branchesForReview(state).map((b) => clip(b.text, TEXT_MAX)),
    totals: totalsOf(state, counts.archived, now),
  };
}

function spendView(state: RunState): ProgressView['spend'] {
  const cap = state.spendCap ?? null;
  const text = spendLine(cap);
  return cap && text ? { warning: spendWarning(cap) !== null, text } : null;
}

function daemonView(d: DaemonInfo, now: Date): DaemonView {
  const up = d.mode !== 'stopped' && d.mode !== 'done' && parseTime(d.startedAt) !== null;
  const live = d.mode === 'running' || d.mode === 'sleeping';
  return {
    pid: d.pid,
    mode: d.mode,
    nextWake: live && parseTime(d.nextWakeAt) !== null ? clockTime(d.nextWakeAt, now) : null,
    uptime: up ? duration(elapsedMs(d.startedAt, now.getTime())) : null,
    note: d.note ? clip(d.note, TEXT_MAX) : null,
  };
}

/** Every attempt still in progress, in tree order (an archived task's worker may still be stopping). */
function workersOf(nodes: readonly TaskNode[], now: Date): WorkerView[] {
  const out: WorkerView[] = [];
  const t = now.getTime();
  const visit = (node: TaskNode): void => {
    const a = activeAttempt(node.task);
    if (a) {
      const ms = elapsedMs(a.startedAt, t);
      const budget = budgetText(a.deadline, t);
      out.push({
        taskId: node.task.id,
        title: clip(node.task.title, TITLE_MAX),
        pid: a.process?.pid ?? null,
        ...(a.job ? { job: a.job.id ?? a.job.name } : {}),
        command: clip(a.command ?? `${a.worker} worker`, COMMAND_MAX),
        startedAt: stamp(a.startedAt),
        elapsedMs: ms,
        elapsed: duration(ms),
        budget: budget.text,
        overBudget: budget.over,
        resources: null,
      });
    }
    node.children.forEach(visit);
  };
  nodes.forEach(visit);
  return out;
}

function decisionText(e: JournalEntry): string {
  const change = e.kind === 'status' && e.from && e.to ? `${e.from} → ${e.to}` : '';
  const msg = e.msg.trim();
  return clip(change && msg ? `${change}: ${msg}` : change || msg, TEXT_MAX);
}

/** The last DECISIONS_MAX decisions and status changes, newest first. */
function decisionsOf(tail: readonly JournalEntry[], state: RunState, now: Date): DecisionView[] {
  const picked: JournalEntry[] = [];
  for (let i = tail.length - 1; i >= 0 && picked.length < DECISIONS_MAX; i--) {
    const e = tail[i];
    if (e && DECISION_KINDS.has(e.kind)) picked.push(e);
  }
  return picked.map((e) => {
    const task = e.task ? state.tasks[e.task] : undefined;
    return {
      seq: e.seq,
      time: stamp(e.ts),
      shortTime: shortClock(e.ts, now),
      kind: e.kind,
      taskId: e.task ?? null,
      taskTitle: task ? clip(task.title, TITLE_MAX) : null,
      text: decisionText(e),
    };
  });
}

function totalsOf(state: RunState, archived: number, now: Date): TotalsView {
  const all = Object.values(state.tasks);
  const end = parseTime(state.doneAt) ?? now.getTime();
  return {
    tasks: all.length - archived,
    archived,
    attempts: all.reduce((n, t) => n + t.attempts.length, 0),
    runTime: duration(elapsedMs(state.createdAt, end)),
    since: stamp(state.createdAt),
    finished: state.doneAt !== null,
    cycle: state.cycle,
    usage: usageText(runTotals(state)),
    planner: plannerText(state),
  };
}

function plannerText(state: RunState): string | null {
  const p = state.planner;
  if (!p) return null;
  const u = p.usage;
  const mode = p.mode === 'safe' ? `SAFE MODE since ${stamp(p.since ?? state.updatedAt)} (${p.reason}); the rules planner supervises` : 'model';
  const tokens = u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
  const cached = tokens ? ` (${Math.round((100 * u.cacheReadTokens) / Math.max(1, u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens))}% of input from cache)` : '';
  return `planner: ${mode} · ${p.calls} model request${p.calls === 1 ? '' : 's'} · ${tokens} tokens${cached} · $${(u.costUsd ?? 0).toFixed(4)}`;
}

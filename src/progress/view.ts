// buildView: state + journal tail + daemon facts + the clock → the progress view model. Pure: no
// I/O and no Date.now(), so the same input always renders the same page (and tests can pin `now`).
// Two steps: the run's facts, free of the clock (facts.ts: one pass over the tasks), then viewOf,
// which formats them at `now`. `aura status` on a stopped run takes the facts from the status cache.
import { spendLine, spendWarning } from '../core/spend.js';
import type { ListItem } from './compact.js';
import { factsOf, type Listed, type TaskListing, type ViewFacts } from './facts.js';
import { clip, clockTime, duration, elapsedMs, parseTime, shortClock, stamp } from './format.js';
import { overallOf } from './overall.js';
import { budgetText, listedView, taskView } from './task-view.js';
import { usageText } from './usage.js';
import type { DaemonInfo, DaemonView, DecisionView, ProgressInput, ProgressView, TaskList, TaskView, TotalsView, WorkerView } from './types.js';
import { COMMAND_MAX, TEXT_MAX, TITLE_MAX } from './types.js';

export type * from './types.js';
export { DECISION_KINDS } from './facts.js';

export function buildView(input: ProgressInput): ProgressView {
  return viewOf(factsOf(input.state, input.journalTail), input.daemon, input.now);
}

export function viewOf(f: ViewFacts, daemon: DaemonInfo, now: Date): ProgressView {
  return {
    goal: clip(f.goal, TEXT_MAX),
    generatedAt: stamp(now.toISOString()),
    stateUpdatedAt: stamp(f.updatedAt),
    journalSeq: f.journalSeq,
    overall: overallOf(f.overall, daemon, now),
    spend: spendView(f.spendCap ?? null),
    counts: f.counts,
    daemon: daemonView(daemon, now),
    tasks: taskList(f.tasks, now),
    removed: taskList(f.removed, now),
    attention: { tasks: f.attention.tasks.map((t) => listedView(t, now)), total: f.attention.total },
    taskFileWarnings: f.taskFileWarnings.map((w) => clip(w, TEXT_MAX)),
    workers: workersOf(f, now).map((w) => ({ ...w, resources: daemon.resources?.[w.taskId] ?? null })),
    decisions: decisionsOf(f, now),
    branches: f.branches,
    totals: totalsOf(f, now),
  };
}

function taskList(l: TaskListing, now: Date): TaskList {
  const view = (x: Listed): TaskView => listedView(x, now);
  return {
    roots: l.roots,
    get count() {
      return l.count;
    },
    rootIds: (max) => l.rootIds(max),
    list: (max) =>
      l.list(max).map((i): ListItem<TaskView> => {
        if (i.kind === 'task') return { ...i, task: view(i.task) };
        if (i.kind === 'done') return { ...i, first: view(i.first), last: i.last === i.first ? view(i.first) : view(i.last) };
        return i;
      }),
    all: () => l.all().map((n) => taskView(n, now)),
  };
}

function spendView(cap: NonNullable<ViewFacts['spendCap']> | null): ProgressView['spend'] {
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

function workersOf(f: ViewFacts, now: Date): WorkerView[] {
  const t = now.getTime();
  return f.workers.map((w) => {
    const ms = elapsedMs(w.startedAt, t);
    const budget = budgetText(w.deadline, t);
    return {
      taskId: w.taskId,
      title: clip(w.title, TITLE_MAX),
      pid: w.pid,
      ...(w.job !== null ? { job: w.job } : {}),
      command: clip(w.command, COMMAND_MAX),
      startedAt: stamp(w.startedAt),
      elapsedMs: ms,
      elapsed: duration(ms),
      budget: budget.text,
      overBudget: budget.over,
      resources: null,
    };
  });
}

function decisionText(e: ViewFacts['decisions'][number]['entry']): string {
  const change = e.kind === 'status' && e.from && e.to ? `${e.from} → ${e.to}` : '';
  const msg = e.msg.trim();
  return clip(change && msg ? `${change}: ${msg}` : change || msg, TEXT_MAX);
}

/** The last DECISIONS_MAX decisions and status changes, newest first. */
function decisionsOf(f: ViewFacts, now: Date): DecisionView[] {
  return f.decisions.map(({ entry: e, title }) => ({
    seq: e.seq,
    time: stamp(e.ts),
    shortTime: shortClock(e.ts, now),
    kind: e.kind,
    taskId: e.task ?? null,
    taskTitle: title !== null ? clip(title, TITLE_MAX) : null,
    text: decisionText(e),
  }));
}

function totalsOf(f: ViewFacts, now: Date): TotalsView {
  const end = parseTime(f.doneAt) ?? now.getTime();
  const archived = f.counts.archived;
  return {
    tasks: f.taskCount - archived,
    archived,
    attempts: f.attempts,
    runTime: duration(elapsedMs(f.createdAt, end)),
    since: stamp(f.createdAt),
    finished: f.doneAt !== null,
    cycle: f.cycle,
    usage: usageText(f.usage),
    planner: plannerText(f),
  };
}

function plannerText(f: ViewFacts): string | null {
  const p = f.planner;
  if (!p) return null;
  const u = p.usage;
  const mode = p.mode === 'safe' ? `SAFE MODE since ${stamp(p.since ?? f.updatedAt)} (${p.reason}); the rules planner supervises` : 'model';
  const tokens = u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
  const cached = tokens ? ` (${Math.round((100 * u.cacheReadTokens) / Math.max(1, u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens))}% of input from cache)` : '';
  return `planner: ${mode} · ${p.calls} model request${p.calls === 1 ? '' : 's'} · ${tokens} tokens${cached} · $${(u.costUsd ?? 0).toFixed(4)}`;
}

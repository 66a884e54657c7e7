// GET /api/v1/state and the stream's `state` events: everything `aura status --json` says (the same
// statusJson, from the daemon's memory), plus what a page that stays open needs — the tasks that are
// running, retrying or blocked with their attempt, elapsed time, last event and spend right now, the
// watchdog's per-worker figures and history, and spend against the run budget. Pure.
//
// Nothing in it changes while nothing happens (no "generated at"): an idle run's state serialises to
// the same text, so open event streams are sent nothing.
import { addUsage, emptyTotals, runTotals, type Totals } from '../core/budget.js';
import { elapsedMs } from '../progress/format.js';
import { statusJson, type StatusJson, type UsageJson } from '../progress/status-json.js';
import { activeAttempt } from '../progress/task-view.js';
import type { DaemonInfo } from '../progress/types.js';
import type { JournalEntry, RunState, TaskState, UsageRecord } from '../store/schema.js';
import type { WatchdogSnapshot } from '../watchdog/view.js';

export const API_VERSION = 1;

/** What the daemon holds in memory, handed over without I/O. */
export interface DashboardSnapshot {
  state: RunState;
  daemon: DaemonInfo;
  watchdog: WatchdogSnapshot | null;
  /** AURA_RUN_BUDGET_USD and AURA_RUN_TOKEN_BUDGET; 0 = no cap. */
  caps: { usd: number; tokens: number };
  /** The journal's last sequence number. */
  seq: number;
}

/** Facts read from files or kept by the server: runners' live status, the last journal entry per task. */
export interface LiveFacts {
  /** `${task}#${attempt}` → usage so far, for attempts still running. */
  usage: ReadonlyMap<string, UsageRecord>;
  /** task → when its worker last wrote output / sent a stream event. */
  runner: ReadonlyMap<string, { lastOutputAt: string | null; lastEventAt: string | null }>;
  lastEvents: ReadonlyMap<string, JournalEntry>;
  /** Event streams open now (one per browser, when tabs share). */
  streams: number;
}

export interface ActiveTask {
  id: string;
  title: string;
  status: TaskState['status'];
  reason: string;
  /** The attempt running now, or the last one made. */
  attempt: number | null;
  attempts: number;
  startedAt: string | null;
  elapsedMs: number | null;
  notBefore: string | null;
  blockedBy: TaskState['blockedBy'];
  lastEvent: { seq: number; ts: string; kind: string; msg: string } | null;
  lastOutputAt: string | null;
  /** Every attempt, the running one's usage so far included. */
  usage: UsageJson;
}

export interface WorkerJson {
  taskId: string;
  processes: number;
  cpuPercent: number | null;
  rssBytes: number | null;
  memPercent: number | null;
  gpuMemBytes: number | null;
  gpuUtilPercent: number | null;
  peaks: { cpuPercent: number | null; rssBytes: number | null; gpuMemBytes: number | null };
  history: WatchdogSnapshot['workers'][number]['history'];
  strikes: number;
  strikesNeeded: number;
}

export type DashboardState = StatusJson & {
  api: typeof API_VERSION;
  seq: number;
  daemon: StatusJson['daemon'] & { startedAt: string | null };
  active: { running: ActiveTask[]; retrying: ActiveTask[]; blocked: ActiveTask[] };
  workers: WorkerJson[];
  system: { totalBytes: number; availableBytes: number; cpus: number } | null;
  gpu: { status: 'off' | 'unknown' | 'ok'; reason: string | null; count: number };
  spend: { costUsd: number | null; tokens: number; capUsd: number | null; capTokens: number | null };
  totals: { tasks: number; attempts: number; cycle: number; createdAt: string; doneAt: string | null };
  streams: number;
};

function usageJson(t: Totals): UsageJson {
  return { inputTokens: t.inputTokens, outputTokens: t.outputTokens, costUsd: t.costed > 0 ? t.costUsd : null };
}

function taskUsage(t: TaskState, live: LiveFacts['usage']): UsageJson {
  let sum = emptyTotals();
  for (const a of t.attempts) sum = addUsage(sum, a.usage ?? (a.endedAt === null ? live.get(`${t.id}#${a.n}`) : null));
  return usageJson(sum);
}

function active(t: TaskState, live: LiveFacts, now: number): ActiveTask {
  const run = activeAttempt(t);
  const last = t.attempts[t.attempts.length - 1];
  const e = live.lastEvents.get(t.id);
  const r = live.runner.get(t.id);
  return {
    id: t.id,
    title: t.title,
    status: t.status,
    reason: t.reason,
    attempt: last?.n ?? null,
    attempts: t.attempts.length,
    startedAt: run?.startedAt ?? null,
    elapsedMs: run ? elapsedMs(run.startedAt, now) : null,
    notBefore: t.notBefore,
    blockedBy: t.blockedBy,
    lastEvent: e ? { seq: e.seq, ts: e.ts, kind: e.kind, msg: e.msg } : null,
    lastOutputAt: run ? (r?.lastOutputAt ?? r?.lastEventAt ?? null) : null,
    usage: taskUsage(t, live.usage),
  };
}

function workerJson(w: WatchdogSnapshot['workers'][number]): WorkerJson {
  return {
    taskId: w.taskId,
    processes: w.processes,
    cpuPercent: w.cpuPercent,
    rssBytes: w.rssBytes,
    memPercent: w.memPercent,
    gpuMemBytes: w.gpuMemBytes,
    gpuUtilPercent: w.gpuUtilPercent,
    peaks: { cpuPercent: w.peaks.cpuPercent ?? null, rssBytes: w.peaks.memBytes ?? null, gpuMemBytes: w.peaks.gpuMemBytes ?? null },
    history: w.history,
    strikes: w.strikes,
    strikesNeeded: w.strikesNeeded,
  };
}

export function dashboardState(s: DashboardSnapshot, live: LiveFacts, now: Date): DashboardState {
  const t = now.getTime();
  const base = statusJson(s.state, s.daemon, now);
  const tasks = Object.values(s.state.tasks).filter((x) => x.status !== 'archived');
  const spent = runTotals(s.state, live.usage);
  const wd = s.watchdog;
  return {
    api: API_VERSION,
    seq: s.seq,
    ...base,
    daemon: { ...base.daemon, startedAt: s.daemon.startedAt },
    active: {
      running: tasks.filter((x) => x.status === 'running' || x.status === 'verifying').map((x) => active(x, live, t)),
      retrying: tasks.filter((x) => x.status === 'pending' && x.attempts.length > 0).map((x) => active(x, live, t)),
      blocked: tasks.filter((x) => x.status === 'blocked').map((x) => active(x, live, t)),
    },
    workers: wd ? wd.workers.map(workerJson) : [],
    system: wd?.system ?? null,
    gpu: !wd ? { status: 'off', reason: 'no watchdog', count: 0 } : wd.gpu.status === 'ok' ? { status: 'ok', reason: null, count: wd.gpu.gpus.length } : { status: wd.gpu.status, reason: wd.gpu.reason, count: 0 },
    spend: {
      costUsd: spent.costed > 0 ? spent.costUsd : null,
      tokens: spent.inputTokens + spent.outputTokens,
      capUsd: s.caps.usd > 0 ? s.caps.usd : null,
      capTokens: s.caps.tokens > 0 ? s.caps.tokens : null,
    },
    totals: {
      tasks: tasks.length,
      attempts: tasks.reduce((n, x) => n + x.attempts.length, 0),
      cycle: s.state.cycle,
      createdAt: s.state.createdAt,
      doneAt: s.state.doneAt,
    },
    streams: live.streams,
  };
}

// The watchdog's per-worker state and the snapshot the progress views render. Pure.
import { formatBytes, formatPercent, type Limits } from './limits.js';
import type { GpuPoll } from './gpu.js';
import type { GpuInfo } from './gpu-parse.js';
import type { SystemMemory } from './system.js';
import type { KillVerdict, LimitKey, Metric, Strikes } from './verdict.js';
import { History, SampleWindow, sparkline, type Reading } from './window.js';

type Drawn = 'cpuPercent' | 'memBytes' | 'gpuMemBytes' | 'gpuUtilPercent';

export interface Worker {
  taskId: string;
  marker: string;
  root: { pid: number; startTicks: number | null; supervisor?: boolean } | null;
  window: SampleWindow<Metric>;
  history: History<Drawn>;
  strikes: Strikes;
  last: Reading<Metric> | null;
  lastScanAt: number | null;
  pids: number;
  /** Set once a verdict was handed out: no second onKill for the same worker. */
  killed: KillVerdict | null;
}

export function newWorker(taskId: string, marker: string, root: Worker['root'], windowMs: number): Worker {
  return {
    taskId,
    marker,
    root,
    window: new SampleWindow<Metric>(windowMs),
    history: new History<Drawn>(60),
    strikes: {},
    last: null,
    lastScanAt: null,
    pids: 0,
    killed: null,
  };
}

export interface WorkerView {
  taskId: string;
  processes: number;
  cpuPercent: number | null;
  rssBytes: number | null;
  memPercent: number | null;
  gpuMemBytes: number | null;
  gpuUtilPercent: number | null;
  peaks: Partial<Record<Drawn, number>>;
  /** Last ~60 polls; CPU and GPU scaled 0–100%, memory 0–peak. */
  sparklines: { cpu: string; rss: string; gpuMem: string };
  /** The same polls as numbers (null: not measured that poll), oldest first, for graphical views. */
  history: { cpuPercent: Array<number | null>; rssBytes: Array<number | null>; gpuMemBytes: Array<number | null>; gpuUtilPercent: Array<number | null> };
  /** The most strikes any limit has, and per limit. */
  strikes: number;
  strikesBy: Partial<Record<LimitKey, number>>;
  strikesNeeded: number;
  killed: KillVerdict | null;
}

export type GpuView = { status: 'off'; reason: string } | { status: 'unknown'; reason: string } | { status: 'ok'; gpus: GpuInfo[] };

export interface WatchdogSnapshot {
  system: { totalBytes: number; availableBytes: number; cpus: number } | null;
  gpu: GpuView;
  workers: WorkerView[];
  polls: number;
  skipped: number;
  lastPollMs: number;
  notices: string[];
}

export function buildSnapshot(
  workers: readonly Worker[],
  gpu: GpuPoll,
  mem: SystemMemory | null,
  cpus: number,
  stats: { polls: number; skipped: number; lastDurationMs: number },
  notices: string[],
  limits: Limits,
): WatchdogSnapshot {
  return {
    system: mem === null ? null : { totalBytes: mem.totalBytes, availableBytes: mem.availableBytes, cpus },
    gpu: gpu.status === 'ok' ? { status: 'ok', gpus: gpu.gpus } : gpu,
    workers: workers.map((w) => workerView(w, limits.strikes)),
    polls: stats.polls,
    skipped: stats.skipped,
    lastPollMs: stats.lastDurationMs,
    notices,
  };
}

function workerView(w: Worker, need: number): WorkerView {
  const strikes = Math.max(0, ...Object.values(w.strikes).map((n) => n ?? 0));
  return {
    taskId: w.taskId,
    processes: w.pids,
    cpuPercent: w.last?.cpuPercent ?? null,
    rssBytes: w.last?.memBytes ?? null,
    memPercent: w.last?.memPercent ?? null,
    gpuMemBytes: w.last?.gpuMemBytes ?? null,
    gpuUtilPercent: w.last?.gpuUtilPercent ?? null,
    peaks: { ...w.history.peaks },
    sparklines: {
      cpu: sparkline(w.history.values('cpuPercent'), { min: 0, max: 100 }),
      rss: sparkline(w.history.values('memBytes')),
      gpuMem: sparkline(w.history.values('gpuMemBytes')),
    },
    history: {
      cpuPercent: w.history.values('cpuPercent'),
      rssBytes: w.history.values('memBytes'),
      gpuMemBytes: w.history.values('gpuMemBytes'),
      gpuUtilPercent: w.history.values('gpuUtilPercent'),
    },
    strikes,
    strikesBy: { ...w.strikes },
    strikesNeeded: need,
    killed: w.killed,
  };
}

/** One line per worker for progress.md and `aura status`: "CPU 12% · RSS 340 MB (peak 410 MB) ▁▃▅". */
export function resourceLine(w: WorkerView): string {
  const parts: string[] = [];
  if (w.cpuPercent !== null) parts.push(`CPU ${formatPercent(w.cpuPercent)}`);
  if (w.rssBytes !== null) {
    const peak = w.peaks.memBytes;
    parts.push(`RSS ${formatBytes(w.rssBytes)}${peak !== undefined && peak > w.rssBytes ? ` (peak ${formatBytes(peak)})` : ''}`);
  }
  if (w.gpuMemBytes !== null) parts.push(`GPU ${formatBytes(w.gpuMemBytes)}`);
  if (w.strikes > 0) parts.push(`${w.strikes}/${w.strikesNeeded} strikes`);
  const line = parts.join(' · ');
  return w.sparklines.rss ? `${line} ${w.sparklines.rss}` : line;
}

// Watches running workers for stalls: every check reads each worker's status.json (output bytes,
// last stream event) and the CPU time of its whole marked tree, and feeds src/core/stall.ts.
import { checkStall, stallCheckIntervalMs, type StallRecord } from '../core/stall.js';
import { findByEnvMarker } from '../proc/index.js';
import { MARKER_KEY } from '../workers/tree-kill.js';
import { readRunnerStatus } from './live-status.js';

export interface Watched {
  task: string;
  marker: string;
  attemptDirAbs: string;
  /** Executor hook (issue 18): CPU time of a worker on another machine, which /proc here cannot show. */
  cpuTicks?: number;
}

export interface StallMonitorOptions {
  thresholdMs: number;
  list: () => Watched[];
  onSuspect: (task: string, silentMs: number) => void;
  onStalled: (task: string, silentMs: number) => void;
}

export class StallMonitor {
  private records = new Map<string, StallRecord>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(private readonly o: StallMonitorOptions) {}

  start(): void {
    if (this.o.thresholdMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.check(), stallCheckIntervalMs(this.o.thresholdMs));
    this.timer.unref();
  }

  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = Date.now();
      const live = this.o.list();
      const keep = new Set(live.map((w) => `${w.task}#${w.marker}`));
      for (const k of this.records.keys()) if (!keep.has(k)) this.records.delete(k);
      for (const w of live) {
        const key = `${w.task}#${w.marker}`;
        const [status, procs] = await Promise.all([readRunnerStatus(w.attemptDirAbs), w.cpuTicks === undefined ? findByEnvMarker(MARKER_KEY, w.marker) : []]);
        const cpuTicks = w.cpuTicks ?? procs.reduce((sum, p) => sum + p.utimeTicks + p.stimeTicks, 0);
        const signs = {
          outputBytes: (status?.stdoutBytes ?? 0) + (status?.stderrBytes ?? 0),
          lastEventAt: status?.lastEventAt ?? null,
          cpuTicks,
        };
        const { record, verdict } = checkStall(this.records.get(key) ?? null, signs, now, this.o.thresholdMs);
        this.records.set(key, record);
        if (verdict.kind === 'suspect') this.o.onSuspect(w.task, verdict.silentMs);
        if (verdict.kind === 'stalled') {
          this.records.delete(key);
          this.o.onStalled(w.task, verdict.silentMs);
        }
      }
    } finally {
      this.checking = false;
    }
  }

  /** Whether a task's worker is a stall suspect now (silent past the threshold once). */
  isSuspect(task: string): boolean {
    for (const [k, r] of this.records) if (k.startsWith(`${task}#`) && r.suspectSince !== null) return true;
    return false;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

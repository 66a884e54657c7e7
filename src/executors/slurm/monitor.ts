// The watchdog for jobs on other machines: aura cannot read their /proc, so one `sstat` per poll
// gives every running job's CPU time and resident memory, and the watchdog's own pure pieces (the
// rolling window, the strikes, the verdict) judge them. Its verdicts go to the same onKill as the
// local watchdog's, so the escalation (retry with guidance → blocked + fix subtask → failed) is one.
//
// What it judges: AURA_WORKER_MAX_CPU_PERCENT (of the CPUs the job was given, not of a whole
// machine) and AURA_WORKER_MAX_SYSTEM_MEMORY_GB (resident memory). Limits that need the node's view
// (free memory, GPUs) are not measured here; the job's own --mem and --gres are Slurm's to enforce.
import type { Limits } from '../../watchdog/limits.js';
import { formatBytes, formatPercent } from '../../watchdog/limits.js';
import { overLimit, step, type Check, type KillVerdict, type Strikes } from '../../watchdog/verdict.js';
import { SampleWindow } from '../../watchdog/window.js';
import type { StepUsage } from './parse.js';

type Key = 'cpuPercent' | 'memBytes';

interface Watched {
  task: string;
  window: SampleWindow<Key>;
  strikes: Strikes;
  last: { t: number; cpuSeconds: number } | null;
  cpuPercent: number | null;
  rssBytes: number | null;
  peakBytes: number;
  cpuSeconds: number | null;
  killed: boolean;
}

export interface Observed {
  task: string;
  jobId: string;
  /** CPUs the job was given (squeue %C); 1 when unknown. */
  cpus: number | null;
}

export class JobMonitor {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly limits: Limits,
    private readonly onKill: (task: string, verdict: KillVerdict) => void,
    private readonly onError: (msg: string) => void = () => undefined,
  ) {}

  /** Whether sampling can change anything: a limit to judge (stall checks use the CPU time too). */
  get judging(): boolean {
    return this.limits.guard && (this.limits.cpuPercent > 0 || this.limits.memBytes > 0);
  }

  forget(task: string): void {
    this.watched.delete(task);
  }

  /** One sstat result at time t (ms). A running job missing from it is unknown this poll, not fine. */
  feed(t: number, jobs: readonly Observed[], usage: ReadonlyMap<string, StepUsage>): void {
    const verdicts: Array<[string, KillVerdict]> = [];
    for (const j of jobs) {
      let w = this.watched.get(j.task);
      if (!w) {
        w = { task: j.task, window: new SampleWindow<Key>(this.limits.windowMs), strikes: {}, last: null, cpuPercent: null, rssBytes: null, peakBytes: 0, cpuSeconds: null, killed: false };
        this.watched.set(j.task, w);
      }
      const u = usage.get(j.jobId);
      const cpus = Math.max(1, j.cpus ?? 1);
      let cpuPercent: number | null = null;
      if (u) {
        if (w.last && t > w.last.t) cpuPercent = Math.max(0, ((u.cpuSeconds - w.last.cpuSeconds) / ((t - w.last.t) / 1000) / cpus) * 100);
        w.last = { t, cpuSeconds: u.cpuSeconds };
        w.cpuSeconds = u.cpuSeconds;
        w.rssBytes = u.rssBytes;
        w.peakBytes = Math.max(w.peakBytes, u.maxRssBytes, u.rssBytes);
      }
      w.cpuPercent = cpuPercent;
      const reading = { cpuPercent, memBytes: u ? u.rssBytes : null };
      w.window.push(t, reading);
      if (w.killed || !this.judging) continue;
      const checks: Check[] = [];
      if (this.limits.cpuPercent > 0) checks.push(overLimit('cpuPercent', this.limits.cpuPercent, reading.cpuPercent, w.window.average('cpuPercent')));
      if (this.limits.memBytes > 0) checks.push(overLimit('memBytes', this.limits.memBytes, reading.memBytes, w.window.average('memBytes')));
      const r = step(w.strikes, checks, this.limits.strikes, this.limits.windowMs);
      w.strikes = r.strikes;
      if (r.verdict) {
        w.killed = true;
        const v = r.verdict;
        const message = v.limit === 'cpuPercent' ? v.message.replace('of the machine', `of its ${cpus} allocated CPU${cpus === 1 ? '' : 's'}`) : v.message;
        verdicts.push([j.task, { ...v, message: `${message} (sstat of job ${j.jobId})` }]);
      }
    }
    // A failing handler must not stop the other verdicts (as in the local watchdog).
    for (const [task, v] of verdicts) {
      try {
        this.onKill(task, v);
      } catch (err) {
        this.onError(`onKill(${task}) threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** CPU time so far in clock ticks (100 a second), for the stall monitor; null before the first sample. */
  cpuTicks(task: string): number | null {
    const s = this.watched.get(task)?.cpuSeconds;
    return s === undefined || s === null ? null : Math.round(s * 100);
  }

  peakBytes(task: string): number | null {
    const w = this.watched.get(task);
    return w && w.peakBytes > 0 ? w.peakBytes : null;
  }

  /** "CPU 12% · RSS 300 MB (peak 410 MB)", for aura status. */
  line(task: string): string | null {
    const w = this.watched.get(task);
    if (!w || w.rssBytes === null) return null;
    const parts: string[] = [];
    if (w.cpuPercent !== null) parts.push(`CPU ${formatPercent(w.cpuPercent)}`);
    parts.push(`RSS ${formatBytes(w.rssBytes)}${w.peakBytes > w.rssBytes ? ` (peak ${formatBytes(w.peakBytes)})` : ''}`);
    const strikes = Math.max(0, ...Object.values(w.strikes).map((n) => n ?? 0));
    if (strikes > 0) parts.push(`${strikes}/${this.limits.strikes} strikes`);
    return `${parts.join(' · ')} (sstat)`;
  }
}

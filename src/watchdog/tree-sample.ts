// Per poll: one /proc pass, then per worker its processes, CPU ticks and RSS.
//
// Attribution is by parentage from the worker's root first, and by the AURA_WORKER_MARKER in
// /proc/<pid>/environ only for processes parentage did not place. The marker answer is cached per
// (pid, start ticks), so each process's environ is read once in its lifetime: after the first poll
// only new processes cost an environ read.
//
// CPU: utime/stime are in clock ticks (CLK_TCK, 100 on mainstream Linux; read once with getconf).
// RSS: rss pages × page size (getconf PAGESIZE, 4096 on x86-64). RSS double-counts pages shared
// between processes of a tree (e.g. forked workers): an over-estimate, the safe side for a limit.
import fs from 'node:fs';
import { procPath } from '../proc/index.js';
import { errnoCode } from '../util/errors.js';
import { MARKER_KEY } from '../workers/tree-kill.js';
import { attribute, procKey, tickDelta, type TickState, type WorkerRoot } from './attribute.js';
import { readProcTable, type ProcRow } from './proc-table.js';
import { procConstants, readUptimeTicks } from './system.js';

export interface TreeUsage {
  pids: number[];
  /** Processes in the tree, zombies excluded. */
  count: number;
  /** utime+stime of the live processes now. */
  cpuTicks: number;
  /** Ticks used since the previous poll (see tickDelta); null on the first poll of a worker. */
  cpuTicksDelta: number | null;
  rssBytes: number;
}

const UNREADABLE = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM']);

/** The value of `key=` among NUL-separated entries, or null. Pure. */
export function markerValue(environ: Buffer, key = MARKER_KEY): string | null {
  const needle = Buffer.from(`${key}=`, 'utf8');
  let from = 0;
  for (;;) {
    const i = environ.indexOf(needle, from);
    if (i === -1) return null;
    if (i === 0 || environ[i - 1] === 0) {
      const start = i + needle.length;
      const end = environ.indexOf(0, start);
      return environ.toString('utf8', start, end === -1 ? environ.length : end);
    }
    from = i + 1;
  }
}

/** The marker in a process's initial environment; null when absent or unreadable (gone, not ours). */
export function readMarker(pid: number): string | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(procPath(pid, 'environ'));
  } catch (err) {
    if (UNREADABLE.has(errnoCode(err) ?? '')) return null;
    throw err;
  }
  return markerValue(buf);
}

export interface TreeSamplerOptions {
  readTable?: () => Promise<ProcRow[]>;
  readMarker?: (pid: number) => string | null;
  uptimeTicks?: () => number;
  pageSize?: number;
}

export class TreeSampler {
  private readonly readTable: () => Promise<ProcRow[]>;
  private readonly readMarkerOf: (pid: number) => string | null;
  private readonly uptime: () => number;
  private readonly pageSize: number;
  private readonly markers = new Map<string, string | null>();
  private readonly ticks = new Map<string, TickState>();
  /** environ files read so far: lets tests and the bench check "once per process lifetime". */
  environReads = 0;

  constructor(o: TreeSamplerOptions = {}) {
    this.readTable = o.readTable ?? readProcTable;
    this.readMarkerOf = o.readMarker ?? readMarker;
    this.uptime = o.uptimeTicks ?? (() => readUptimeTicks(procConstants().clkTck));
    this.pageSize = o.pageSize ?? procConstants().pageSize;
  }

  async sample(workers: readonly WorkerRoot[]): Promise<Map<string, TreeUsage>> {
    // Uptime before the scan: anything started after this instant is "new" at the next poll.
    const uptimeTicks = this.uptime();
    const rows = await this.readTable();
    const live = new Set<string>();
    for (const r of rows) live.add(procKey(r));
    for (const k of this.markers.keys()) if (!live.has(k)) this.markers.delete(k);

    const byWorker = attribute(rows, workers, (p) => this.markerOf(p));
    const out = new Map<string, TreeUsage>();
    for (const w of workers) {
      const procs = byWorker.get(w.key) ?? [];
      const { delta, state } = tickDelta(this.ticks.get(w.key) ?? null, procs, uptimeTicks);
      this.ticks.set(w.key, state);
      let cpuTicks = 0;
      let rssPages = 0;
      let count = 0;
      for (const p of procs) {
        cpuTicks += p.utimeTicks + p.stimeTicks;
        rssPages += p.rssPages;
        if (p.state !== 'Z' && p.state !== 'X') count++;
      }
      out.set(w.key, { pids: procs.map((p) => p.pid).sort((a, b) => a - b), count, cpuTicks, cpuTicksDelta: delta, rssBytes: rssPages * this.pageSize });
    }
    return out;
  }

  /** Drop a worker's CPU baseline (after untrack). */
  forget(key: string): void {
    this.ticks.delete(key);
  }

  private markerOf(p: ProcRow): string | null {
    const k = procKey(p);
    const cached = this.markers.get(k);
    if (cached !== undefined) return cached;
    this.environReads++;
    const m = this.readMarkerOf(p.pid);
    // A child of this daemon may be caught between fork and exec, still with our environment and
    // no marker yet: do not remember that "no", read it again next poll.
    if (m !== null || p.ppid !== process.pid) this.markers.set(k, m);
    return m;
  }
}

// Stopping a worker means stopping every process it ever started, including those that left its
// process group (setsid). Each worker and verify run carries AURA_WORKER_MARKER in its environment,
// which every descendant inherits; /proc/<pid>/environ finds them wherever they went.
//
// Escalation: SIGTERM (to the root only, or to the root's group and every marked process), a grace
// period, then SIGKILL to every marked process and group, then a final scan that must come back empty.
import { findByEnvMarker, processMatches, readStat, type ProcInfo } from '../proc/index.js';
import type { ProcessRef } from '../store/schema.js';

export const MARKER_KEY = 'AURA_WORKER_MARKER';
export const RUN_KEY = 'AURA_RUN_ID';

export interface StopResult {
  /** Processes signalled at least once. */
  signalled: number;
  /** True when SIGKILL was needed. */
  forced: boolean;
  /** Marked processes still alive after everything (should be 0; non-zero is reported loudly). */
  survivors: number[];
  durationMs: number;
}

export interface StopOptions {
  graceMs: number;
  /**
   * Agent CLIs clean up their own tool processes on SIGTERM, so they get SIGTERM alone first; a
   * shell command's whole group gets it at once.
   */
  termRootOnly?: boolean;
  pollMs?: number;
  /** The environment variable the marker is in: a worker's own marker by default, or the run's id. */
  key?: typeof MARKER_KEY | typeof RUN_KEY;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    throw err;
  }
}

/** Signal a marked process, but only the one we scanned (start time guard against PID reuse). */
function signalGuarded(p: ProcInfo, sig: NodeJS.Signals): boolean {
  const now = readStat(p.pid);
  if (!now || now.startTicks !== p.startTicks) return false;
  return signal(p.pid, sig);
}

async function marked(marker: string, key: string = MARKER_KEY): Promise<ProcInfo[]> {
  return (await findByEnvMarker(key, marker)).filter((p) => p.state !== 'Z' && p.pid !== process.pid);
}

/** The root's group, but only while it still belongs to this worker (the root or a marked member leads it). */
function groupsOf(root: ProcessRef | null, procs: ProcInfo[]): number[] {
  const groups = new Set<number>();
  if (root && processMatches(root)) groups.add(root.pgid);
  for (const p of procs) if (p.pgid === p.pid) groups.add(p.pgid);
  return [...groups];
}

export async function stopTree(root: ProcessRef | null, marker: string, opts: StopOptions): Promise<StopResult> {
  const t0 = Date.now();
  const pollMs = opts.pollMs ?? 50;
  const seen = new Set<number>();
  const key = opts.key ?? MARKER_KEY;
  let procs = await marked(marker, key);
  const rootAlive = root !== null && processMatches(root);
  // The common case after a normal exit: nothing left. One scan, no signals.
  if (procs.length === 0 && !rootAlive) return { signalled: 0, forced: false, survivors: [], durationMs: Date.now() - t0 };

  if (opts.termRootOnly && rootAlive && root) {
    if (signal(root.pid, 'SIGTERM')) seen.add(root.pid);
  } else {
    for (const g of groupsOf(root, procs)) if (signal(-g, 'SIGTERM')) seen.add(g);
    for (const p of procs) if (signalGuarded(p, 'SIGTERM')) seen.add(p.pid);
  }

  const deadline = t0 + opts.graceMs;
  while (Date.now() < deadline) {
    procs = await marked(marker, key);
    if (procs.length === 0 && !(root && processMatches(root))) {
      return { signalled: seen.size, forced: false, survivors: [], durationMs: Date.now() - t0 };
    }
    await sleep(pollMs);
  }

  // Grace is over: everything marked dies now, groups first so nothing forks in between.
  procs = await marked(marker, key);
  for (const g of groupsOf(root, procs)) signal(-g, 'SIGKILL');
  for (const p of procs) if (signalGuarded(p, 'SIGKILL')) seen.add(p.pid);
  if (root && processMatches(root)) signal(root.pid, 'SIGKILL');

  let survivors: ProcInfo[] = [];
  for (let i = 0; i < 20; i++) {
    survivors = await marked(marker, key);
    if (survivors.length === 0) break;
    for (const p of survivors) signalGuarded(p, 'SIGKILL');
    await sleep(pollMs);
  }
  return { signalled: seen.size, forced: true, survivors: survivors.map((p) => p.pid), durationMs: Date.now() - t0 };
}

// Which processes belong to which worker, and how much CPU a worker used since the last poll. Pure:
// works on a process table and a marker lookup, so odd trees are table-tested without real processes.
import type { ProcRow } from './proc-table.js';

export interface WorkerRoot {
  key: string;
  /** The AURA_WORKER_MARKER value its processes carry. */
  marker: string;
  /** The process the daemon started; null when unknown (adopted without a ref): marker only. */
  root: { pid: number; startTicks: number | null } | null;
  /**
   * The root is aura's own runner, not the worker: its descendants are the worker's, it is not (a
   * worker's CPU and RSS, and the limits on them, are the worker's own).
   */
  supervisor?: boolean;
}

/** Identity across PID reuse. */
export const procKey = (p: { pid: number; startTicks: number }): string => `${p.pid}:${p.startTicks}`;

/** Kernel threads (kthreadd and its children) have no environment and are never ours. */
export function isKernelThread(p: ProcRow): boolean {
  return p.pid === 2 || p.ppid === 2;
}

/**
 * Processes per worker: the root's descendants by parentage, plus any process carrying the worker's
 * marker (escapees that setsid'd and were reparented to init) and their descendants. `markerOf` is
 * asked only about processes parentage did not already place, so environ is read as rarely as
 * possible. A process claimed by two workers goes to the first (cannot happen with distinct roots).
 */
export function attribute(
  rows: readonly ProcRow[],
  workers: readonly WorkerRoot[],
  markerOf: (p: ProcRow) => string | null,
): Map<string, ProcRow[]> {
  const children = new Map<number, ProcRow[]>();
  const byPid = new Map<number, ProcRow>();
  for (const r of rows) {
    byPid.set(r.pid, r);
    let list = children.get(r.ppid);
    if (!list) children.set(r.ppid, (list = []));
    list.push(r);
  }
  const owner = new Map<number, string>();
  const claim = (seed: ProcRow, key: string) => {
    const stack = [seed];
    while (stack.length > 0) {
      const p = stack.pop() as ProcRow;
      if (owner.has(p.pid)) continue;
      owner.set(p.pid, key);
      for (const c of children.get(p.pid) ?? []) stack.push(c);
    }
  };

  for (const w of workers) {
    if (!w.root) continue;
    const r = byPid.get(w.root.pid);
    // A root pid that now belongs to another process (reuse) is not the worker any more.
    if (r && (w.root.startTicks === null || r.startTicks === w.root.startTicks)) claim(r, w.key);
  }

  const byMarker = new Map(workers.map((w) => [w.marker, w.key]));
  const seeds: Array<[ProcRow, string]> = [];
  for (const r of rows) {
    if (owner.has(r.pid) || isKernelThread(r)) continue;
    const m = markerOf(r);
    const key = m === null ? undefined : byMarker.get(m);
    if (key !== undefined) seeds.push([r, key]);
  }
  for (const [r, key] of seeds) claim(r, key);

  const out = new Map<string, ProcRow[]>(workers.map((w) => [w.key, []]));
  const supervisors = new Set(workers.filter((w) => w.supervisor && w.root).map((w) => w.root!.pid));
  for (const [pid, key] of owner) if (!supervisors.has(pid)) out.get(key)?.push(byPid.get(pid) as ProcRow);
  return out;
}

/** Last poll's ticks per process of one worker. */
export interface TickState {
  procs: Map<string, { own: number; child: number }>;
  uptimeTicks: number;
}

/**
 * CPU ticks a worker used since the last poll (null on the first poll: no interval yet).
 *
 *   Σ live processes seen before: Δ(utime+stime)
 * + Σ processes started since the last poll: utime+stime+cutime+cstime (all of it is new)
 * + max(0, Σ live processes seen before: Δ(cutime+cstime) − Σ processes gone since: their last own+child)
 *
 * The last term is the CPU of processes that exited in between: when a tracked parent waits for a
 * child, the child's final total lands in the parent's cutime/cstime; what we had already counted
 * for it is taken off. Children reaped by init (escapees) are lost, hence the clamp at 0.
 */
export function tickDelta(prev: TickState | null, rows: readonly ProcRow[], uptimeTicks: number): { delta: number | null; state: TickState } {
  const procs = new Map<string, { own: number; child: number }>();
  for (const r of rows) procs.set(procKey(r), { own: r.utimeTicks + r.stimeTicks, child: r.childTicks });
  const state = { procs, uptimeTicks };
  if (prev === null) return { delta: null, state };

  let live = 0;
  let childGrowth = 0;
  for (const r of rows) {
    const now = procs.get(procKey(r)) as { own: number; child: number };
    const before = prev.procs.get(procKey(r));
    if (before) {
      live += Math.max(0, now.own - before.own);
      childGrowth += Math.max(0, now.child - before.child);
    } else if (r.startTicks >= prev.uptimeTicks) {
      live += now.own + now.child;
    }
    // else: an old process newly attributed (e.g. its marker was unreadable before): baseline only.
  }
  let goneTotal = 0;
  for (const [k, before] of prev.procs) if (!procs.has(k)) goneTotal += before.own + before.child;
  return { delta: live + Math.max(0, childGrowth - goneTotal), state };
}

// From window averages to strikes to a kill verdict. Pure: the watchdog feeds it numbers and gets
// plain data back, which is what the journal records.
//
// Strikes are counted per limit, not per worker: an nvidia-smi timeout makes the GPU limits
// "unknown" for one poll, and that must neither add nor clear a GPU strike, while the CPU and RAM
// limits keep counting on their own.
import { formatBytes, formatPercent } from './limits.js';

/** Per-worker readings the window averages. */
export type Metric = 'cpuPercent' | 'memPercent' | 'memBytes' | 'gpuUtilPercent' | 'gpuMemPercent' | 'gpuMemBytes';
export const METRICS: readonly Metric[] = ['cpuPercent', 'memPercent', 'memBytes', 'gpuUtilPercent', 'gpuMemPercent', 'gpuMemBytes'];

/** A limit: a per-worker ceiling, or a free-memory reserve charged to the worker using the most. */
export type LimitKey = Metric | 'memReserve' | 'gpuReserve';

export interface Check {
  key: LimitKey;
  limit: number;
  /** The window average (for a reserve: of the free memory). */
  average: number | null;
  /** true: over the limit (or under the reserve) this poll; null: unknown this poll; false: fine. */
  violated: boolean | null;
  /** For a reserve: what the charged worker used, so the message can say why it was picked. */
  usedBytes?: number;
}

export type Strikes = Partial<Record<LimitKey, number>>;

export interface KillVerdict {
  kind: 'kill';
  limit: LimitKey;
  limitValue: number;
  average: number;
  unit: 'percent' | 'bytes';
  windowSeconds: number;
  strikes: number;
  /** For reserves: the charged worker's usage. */
  usedBytes?: number;
  /** "RSS averaged 3.1 GB over 30 s against a 2 GB limit". */
  message: string;
}

/**
 * A ceiling: violated when the window average is above the limit. The poll's own reading decides
 * whether the poll counts at all: unknown now → null, even if older readings keep an average.
 */
export function overLimit(key: Metric, limit: number, current: number | null, average: number | null): Check {
  const violated = current === null || average === null ? null : average > limit;
  return { key, limit, average, violated };
}

/**
 * A reserve: violated when free memory averaged below it, charged only to the worker that uses the
 * most; for every other worker the check is simply fine (so its reserve strikes reset).
 */
export function underReserve(
  key: 'memReserve' | 'gpuReserve',
  reserve: number,
  currentFree: number | null,
  averageFree: number | null,
  charged: { isCulprit: boolean; usedBytes: number },
): Check {
  if (currentFree === null || averageFree === null) return { key, limit: reserve, average: averageFree, violated: null };
  const violated = charged.isCulprit && averageFree < reserve;
  return { key, limit: reserve, average: averageFree, violated, usedBytes: charged.usedBytes };
}

/** The worker using the most: the reserve's culprit. Ties go to the first; nobody using any → null. */
export function reserveCulprit(users: ReadonlyArray<{ id: string; bytes: number | null }>): string | null {
  let best: { id: string; bytes: number } | null = null;
  for (const u of users) {
    if (u.bytes === null || u.bytes <= 0) continue;
    if (best === null || u.bytes > best.bytes) best = { id: u.id, bytes: u.bytes };
  }
  return best?.id ?? null;
}

/**
 * One poll: each check adds a strike, holds (unknown) or clears. A limit reaching `need` strikes in a
 * row yields the verdict; several at once → the one furthest over, then the first listed. Limits
 * without a check this poll (switched off) lose their strikes.
 */
export function step(prev: Strikes, checks: readonly Check[], need: number, windowMs: number): { strikes: Strikes; verdict: KillVerdict | null } {
  const strikes: Strikes = {};
  let worst: { check: Check; over: number } | null = null;
  for (const c of checks) {
    const before = prev[c.key] ?? 0;
    const now = c.violated === null ? before : c.violated ? before + 1 : 0;
    if (now > 0) strikes[c.key] = now;
    if (now >= need && c.violated === true && c.average !== null) {
      const over = c.key === 'memReserve' || c.key === 'gpuReserve' ? c.limit / Math.max(c.average, 1) : c.average / c.limit;
      if (worst === null || over > worst.over) worst = { check: c, over };
    }
  }
  if (worst === null) return { strikes, verdict: null };
  const c = worst.check;
  const average = c.average as number;
  const windowSeconds = windowMs / 1000;
  const verdict: KillVerdict = {
    kind: 'kill',
    limit: c.key,
    limitValue: c.limit,
    average,
    unit: unitOf(c.key),
    windowSeconds,
    strikes: strikes[c.key] as number,
    message: describe(c.key, average, c.limit, windowSeconds, c.usedBytes),
  };
  if (c.usedBytes !== undefined) verdict.usedBytes = c.usedBytes;
  return { strikes, verdict };
}

export function unitOf(key: LimitKey): 'percent' | 'bytes' {
  return key === 'cpuPercent' || key === 'memPercent' || key === 'gpuUtilPercent' || key === 'gpuMemPercent' ? 'percent' : 'bytes';
}

/** Human sentence for the journal and the retry brief. */
export function describe(key: LimitKey, average: number, limit: number, windowSeconds: number, usedBytes?: number): string {
  const over = `over ${trimSeconds(windowSeconds)}`;
  const used = usedBytes === undefined ? '' : `, and this worker used the most (${formatBytes(usedBytes)})`;
  switch (key) {
    case 'cpuPercent':
      return `CPU averaged ${formatPercent(average)} of the machine ${over} against a ${formatPercent(limit)} limit`;
    case 'memPercent':
      return `RSS averaged ${formatPercent(average)} of system memory ${over} against a ${formatPercent(limit)} limit`;
    case 'memBytes':
      return `RSS averaged ${formatBytes(average)} ${over} against a ${formatBytes(limit)} limit`;
    case 'gpuUtilPercent':
      return `GPU utilisation averaged ${formatPercent(average)} ${over} against a ${formatPercent(limit)} limit`;
    case 'gpuMemPercent':
      return `GPU memory averaged ${formatPercent(average)} of its GPUs' total ${over} against a ${formatPercent(limit)} limit`;
    case 'gpuMemBytes':
      return `GPU memory averaged ${formatBytes(average)} ${over} against a ${formatBytes(limit)} limit`;
    case 'memReserve':
      return `free system memory averaged ${formatBytes(average)} ${over}, below the ${formatBytes(limit)} reserve${used}`;
    case 'gpuReserve':
      return `free GPU memory averaged ${formatBytes(average)} ${over}, below the ${formatBytes(limit)} reserve${used}`;
  }
}

function trimSeconds(s: number): string {
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * CPU use as a percent of the WHOLE machine: ticks used / ticks the machine had (elapsed × CLK_TCK
 * × CPUs). 100% = every CPU busy. null when there is no interval yet (first poll).
 */
export function cpuPercent(deltaTicks: number | null, elapsedMs: number, clkTck: number, cpus: number): number | null {
  if (deltaTicks === null || !(elapsedMs > 0) || cpus <= 0) return null;
  return (deltaTicks / ((elapsedMs / 1000) * clkTck * cpus)) * 100;
}

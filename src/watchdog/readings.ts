// From raw samples (a worker's processes, the nvidia-smi figures, pmon's SM%) to the per-worker
// readings the windows average, and the GPU reserve charge. Pure.
import type { GpuInfo } from './gpu-parse.js';
import type { GpuPoll } from './gpu.js';
import { reserveCulprit } from './verdict.js';

export interface GpuFigures {
  gpuMemBytes: number | null;
  /** Of the total memory of the GPUs the worker has contexts on; 0 when it has none. */
  gpuMemPercent: number | null;
  /** Highest summed SM% on any one GPU it uses; null: unknown (no pmon, MIG, no fresh block). */
  gpuUtilPercent: number | null;
  /** Its memory per GPU uuid, for the reserve charge. */
  byUuid: Map<string, number>;
}

/**
 * nvidia-smi lists host PIDs for every process on the machine (§4.6): only rows whose pid is in the
 * worker's tree count. A row with [N/A] memory makes the worker's GPU memory unknown, not smaller.
 */
export function gpuFigures(
  pids: ReadonlySet<number>,
  poll: GpuPoll,
  sm: ReadonlyMap<number, number> | null,
  wantUtil: boolean,
): GpuFigures {
  if (poll.status !== 'ok') {
    return { gpuMemBytes: null, gpuMemPercent: null, gpuUtilPercent: null, byUuid: new Map() };
  }
  const byUuid = new Map<string, number>();
  let used: number | null = 0;
  for (const a of poll.apps) {
    if (!pids.has(a.pid)) continue;
    if (a.usedBytes === null) used = null;
    else if (used !== null) used += a.usedBytes;
    byUuid.set(a.gpuUuid, (byUuid.get(a.gpuUuid) ?? 0) + (a.usedBytes ?? 0));
  }
  const mine = poll.gpus.filter((g) => byUuid.has(g.uuid));
  let total: number | null = 0;
  for (const g of mine) total = total === null || g.memTotalBytes === null ? null : total + g.memTotalBytes;
  const gpuMemPercent = byUuid.size === 0 ? 0 : used === null || total === null || total === 0 ? null : (used / total) * 100;
  return { gpuMemBytes: used, gpuMemPercent, gpuUtilPercent: wantUtil ? utilOf(mine, poll.gpus, sm) : null, byUuid };
}

function utilOf(mine: readonly GpuInfo[], all: readonly GpuInfo[], sm: ReadonlyMap<number, number> | null): number | null {
  if (sm === null) return null;
  // Under MIG nothing reports per-process utilisation: unknown, so the limit holds its strikes.
  if (mine.some((g) => g.mig === true)) return null;
  let max = 0;
  for (const [index, v] of sm) {
    const g = all.find((x) => x.index === index);
    if (g?.mig === true) return null;
    max = Math.max(max, v);
  }
  return max;
}

/** Free bytes per GPU uuid (null where used/total are not reported). */
export function gpuFree(gpus: readonly GpuInfo[]): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const g of gpus) out.set(g.uuid, g.memUsedBytes === null || g.memTotalBytes === null ? null : g.memTotalBytes - g.memUsedBytes);
  return out;
}

export interface GpuReserveCharge {
  /** Lowest window-average free memory among the GPUs charged to this worker, or overall. */
  averageFree: number | null;
  currentFree: number | null;
  isCulprit: boolean;
  usedBytes: number;
}

/**
 * Which worker each short GPU is charged to: the one with the most memory on THAT GPU. A worker is
 * the culprit when some GPU below the reserve (by window average) is charged to it.
 */
export function gpuReserveCharges(
  reserve: number,
  gpus: ReadonlyArray<{ uuid: string; currentFree: number | null; averageFree: number | null }>,
  usage: ReadonlyMap<string, ReadonlyMap<string, number>>,
): Map<string, GpuReserveCharge> {
  const out = new Map<string, GpuReserveCharge>();
  let lowestAvg: number | null = null;
  let lowestCur: number | null = null;
  for (const g of gpus) {
    if (g.averageFree !== null) lowestAvg = lowestAvg === null ? g.averageFree : Math.min(lowestAvg, g.averageFree);
    if (g.currentFree !== null) lowestCur = lowestCur === null ? g.currentFree : Math.min(lowestCur, g.currentFree);
  }
  for (const id of usage.keys()) out.set(id, { averageFree: lowestAvg, currentFree: lowestCur, isCulprit: false, usedBytes: 0 });
  for (const g of gpus) {
    if (g.averageFree === null || g.averageFree >= reserve) continue;
    const culprit = reserveCulprit([...usage].map(([id, m]) => ({ id, bytes: m.get(g.uuid) ?? 0 })));
    if (culprit === null) continue;
    const c = out.get(culprit) as GpuReserveCharge;
    const used = usage.get(culprit)?.get(g.uuid) ?? 0;
    if (!c.isCulprit || g.averageFree < (c.averageFree ?? Infinity)) {
      out.set(culprit, { averageFree: g.averageFree, currentFree: g.currentFree, isCulprit: true, usedBytes: used });
    }
  }
  return out;
}

// Before a spawn: would starting a worker now eat into a free-memory reserve? Then refuse and say
// why; the daemon keeps the task pending and tries again later. Pure: the caller passes the latest
// figures. Unknown figures never refuse (a flaky nvidia-smi must not stall all work), but say so.
import { formatBytes } from './limits.js';

export interface GpuFree {
  index: number;
  uuid: string;
  /** null: not reported ([N/A]). */
  freeBytes: number | null;
}

export interface PreflightInput {
  minFreeMemBytes: number;
  minFreeGpuBytes: number;
  /** AURA_WORKER_CUDA_VISIBLE_DEVICES: indexes or UUIDs; null = every GPU. */
  cudaVisibleDevices: string | null;
  memAvailableBytes: number | null;
  /** null: GPU figures unknown or GPU checks off. */
  gpus: readonly GpuFree[] | null;
}

export type Preflight = { ok: true; notes: string[] } | { ok: false; reason: string };

/** The GPUs a worker may use: those named in CUDA_VISIBLE_DEVICES (by index or UUID), or all. */
export function visibleGpus<G extends { index: number; uuid: string }>(gpus: readonly G[], cudaVisible: string | null): G[] {
  if (cudaVisible === null) return [...gpus];
  const ids = new Set(cudaVisible.split(',').map((s) => s.trim()).filter(Boolean));
  return gpus.filter((g) => ids.has(String(g.index)) || ids.has(g.uuid));
}

export function preflight(i: PreflightInput): Preflight {
  const notes: string[] = [];
  if (i.minFreeMemBytes > 0) {
    if (i.memAvailableBytes === null) notes.push('free system memory unknown: reserve not checked');
    else if (i.memAvailableBytes < i.minFreeMemBytes) {
      return {
        ok: false,
        reason: `only ${formatBytes(i.memAvailableBytes)} of system memory free, below the ${formatBytes(i.minFreeMemBytes)} reserve (AURA_WORKER_MIN_SYSTEM_MEMORY_FREE_GB)`,
      };
    }
  }
  if (i.minFreeGpuBytes > 0) {
    if (i.gpus === null) notes.push('free GPU memory unknown: reserve not checked');
    else {
      // The reserve is kept on every GPU the worker may touch: a worker that lands on a GPU already
      // under it would be charged for the shortage at once.
      for (const g of visibleGpus(i.gpus, i.cudaVisibleDevices)) {
        if (g.freeBytes === null) notes.push(`GPU ${g.index}: free memory not reported`);
        else if (g.freeBytes < i.minFreeGpuBytes) {
          return {
            ok: false,
            reason: `GPU ${g.index} has only ${formatBytes(g.freeBytes)} free, below the ${formatBytes(i.minFreeGpuBytes)} reserve (AURA_WORKER_MIN_GPU_MEMORY_FREE_GB)`,
          };
        }
      }
    }
  }
  return { ok: true, notes };
}

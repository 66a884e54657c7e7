// The watchdog's settings, turned from the AURA_WORKER_* config keys into plain numbers in the units
// the samplers produce (bytes, percent, milliseconds). 0 keeps meaning "this limit is off".
//
// "GB" in the settings is read as GiB (2^30 bytes): the progress views print sizes in binary units
// labelled GB (src/progress/format.ts bytes()), so a limit and the figure shown next to it agree.
import type { Config } from '../config/schema.js';

export const GIB = 2 ** 30;
export const MIB = 2 ** 20;

export const WATCHDOG_KEYS = [
  'AURA_WORKER_RESOURCE_GUARD',
  'AURA_WORKER_MAX_CPU_PERCENT',
  'AURA_WORKER_MAX_SYSTEM_MEMORY_PERCENT',
  'AURA_WORKER_MAX_SYSTEM_MEMORY_GB',
  'AURA_WORKER_MIN_SYSTEM_MEMORY_FREE_GB',
  'AURA_WORKER_MAX_GPU_UTIL_PERCENT',
  'AURA_WORKER_MAX_GPU_MEMORY_PERCENT',
  'AURA_WORKER_MAX_GPU_MEMORY_GB',
  'AURA_WORKER_MIN_GPU_MEMORY_FREE_GB',
  'AURA_WORKER_RESOURCE_VIOLATION_STRIKES',
  'AURA_WORKER_RESOURCE_POLL_SECONDS',
  'AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS',
  'AURA_WORKER_CUDA_VISIBLE_DEVICES',
] as const;

/** Only the keys the watchdog reads, so tests can build one without a whole Config. */
export type WatchdogConfig = Pick<Config, (typeof WATCHDOG_KEYS)[number]>;

export interface Limits {
  guard: boolean;
  /** Percent of the whole machine (all CPUs together), 0 = off. */
  cpuPercent: number;
  /** Percent of total system memory, 0 = off. */
  memPercent: number;
  memBytes: number;
  /** Free system memory to keep, 0 = off. */
  minFreeMemBytes: number;
  /** Percent SM of a GPU, per GPU the worker uses, 0 = off. */
  gpuUtilPercent: number;
  /** Percent of the total memory of the GPUs the worker uses, 0 = off. */
  gpuMemPercent: number;
  gpuMemBytes: number;
  /** Free memory to keep on each GPU, 0 = off. */
  minFreeGpuBytes: number;
  strikes: number;
  pollMs: number;
  windowMs: number;
  cudaVisibleDevices: string | null;
}

export function limitsFromConfig(c: WatchdogConfig): Limits {
  return {
    guard: c.AURA_WORKER_RESOURCE_GUARD,
    cpuPercent: c.AURA_WORKER_MAX_CPU_PERCENT,
    memPercent: c.AURA_WORKER_MAX_SYSTEM_MEMORY_PERCENT,
    memBytes: c.AURA_WORKER_MAX_SYSTEM_MEMORY_GB * GIB,
    minFreeMemBytes: c.AURA_WORKER_MIN_SYSTEM_MEMORY_FREE_GB * GIB,
    gpuUtilPercent: c.AURA_WORKER_MAX_GPU_UTIL_PERCENT,
    gpuMemPercent: c.AURA_WORKER_MAX_GPU_MEMORY_PERCENT,
    gpuMemBytes: c.AURA_WORKER_MAX_GPU_MEMORY_GB * GIB,
    minFreeGpuBytes: c.AURA_WORKER_MIN_GPU_MEMORY_FREE_GB * GIB,
    strikes: c.AURA_WORKER_RESOURCE_VIOLATION_STRIKES,
    pollMs: c.AURA_WORKER_RESOURCE_POLL_SECONDS * 1000,
    windowMs: c.AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS * 1000,
    cudaVisibleDevices: c.AURA_WORKER_CUDA_VISIBLE_DEVICES ?? null,
  };
}

/** Any GPU figure is needed: otherwise nvidia-smi is never run. */
export function gpuLimitsSet(l: Limits): boolean {
  return l.gpuUtilPercent > 0 || l.gpuMemPercent > 0 || l.gpuMemBytes > 0 || l.minFreeGpuBytes > 0;
}

/** "3.1 GB", "512 MB": one decimal, binary units, like the progress views. */
export function formatBytes(n: number): string {
  if (n >= GIB) return `${trim(n / GIB)} GB`;
  return `${trim(n / MIB)} MB`;
}

export function formatPercent(p: number): string {
  return `${trim(p)}%`;
}

function trim(v: number): string {
  const s = v.toFixed(1);
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

// Machine-wide figures, cheap enough for every poll: one read of /proc/meminfo (~1.5 KB) and of
// /proc/uptime; the CPU count and the kernel constants are read once.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { readView } from '../proc/read.js';
import { errnoCode } from '../util/errors.js';
import { parseCpuList } from './cpusets.js';

export interface SystemMemory {
  totalBytes: number;
  /** MemAvailable: what can be allocated without swapping (page cache counts as free). */
  availableBytes: number;
}

/** /proc/meminfo → total and available, or null when the fields are missing (very old kernels). */
export function parseMeminfo(text: string): SystemMemory | null {
  const kb = (name: string): number | null => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const totalBytes = kb('MemTotal');
  const availableBytes = kb('MemAvailable');
  return totalBytes === null || availableBytes === null ? null : { totalBytes, availableBytes };
}

/** A whole /proc file as text, or null when gone (src/proc/read.ts reads it into one reused buffer). */
export function readProcSmall(file: string, gone: ReadonlySet<string>): string | null {
  const view = readView(file, gone);
  return view === null ? null : view.toString('latin1');
}

const NONE: ReadonlySet<string> = new Set();

export function readMemory(): SystemMemory {
  const text = readProcSmall('/proc/meminfo', NONE) as string;
  const m = parseMeminfo(text);
  // Without MemAvailable fall back to os.freemem() (MemFree): pessimistic, never optimistic.
  return m ?? { totalBytes: os.totalmem(), availableBytes: os.freemem() };
}

/** Seconds since boot from /proc/uptime, in clock ticks: the clock process start times use. */
export function readUptimeTicks(clkTck: number): number {
  const text = readProcSmall('/proc/uptime', NONE) as string;
  return Math.floor(Number(text.split(/\s+/)[0]) * clkTck);
}

/** CPUs this process may run on (affinity and cgroup aware since Node 18.14). */
export function cpuCount(): number {
  return os.availableParallelism();
}

/** The cores this daemon may use (its own affinity), for handing out disjoint sets. */
export function allowedCpus(): number[] {
  const status = readProcSmall('/proc/self/status', NONE) as string;
  const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(status);
  return m ? parseCpuList(m[1] as string) : Array.from({ length: cpuCount() }, (_, i) => i);
}

export interface ProcConstants {
  /** Clock ticks per second for utime/stime/starttime; 100 on every mainstream Linux build. */
  clkTck: number;
  /** Bytes per page for rss; 4096 on x86-64, 16K/64K on some arm64 kernels. */
  pageSize: number;
}

let constants: ProcConstants | null = null;

/** Read once with getconf; 100 / 4096 when getconf is missing or says something odd. */
export function procConstants(): ProcConstants {
  if (constants) return constants;
  constants = { clkTck: getconf('CLK_TCK', 100), pageSize: getconf('PAGESIZE', 4096) };
  return constants;
}

function getconf(name: string, fallback: number): number {
  try {
    const v = Number(execFileSync('getconf', [name], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(v) && v > 0 ? v : fallback;
  } catch (err) {
    // Missing getconf (slim images) or a refusal: the fallback is right on every common platform.
    if (errnoCode(err) === 'ENOENT' || (err as { status?: unknown }).status !== undefined) return fallback;
    throw err;
  }
}

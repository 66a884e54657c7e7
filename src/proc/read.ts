// Reading one process from /proc. These are synchronous on purpose: /proc reads never touch a disk,
// and callers use them right before signalling a pid, where an await would widen the PID-reuse window.
// A process can vanish at any moment: ENOENT/ESRCH mean "gone" and come back as null.
import fs from 'node:fs';
import { errnoCode } from '../util/errors.js';
import { environHas, parseStat, splitNul, type ProcInfo } from './parse.js';

export const GONE: ReadonlySet<string> = new Set(['ENOENT', 'ESRCH']);
// environ of another user's process (or under hidepid) is not ours to read.
export const UNREADABLE: ReadonlySet<string> = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM']);

export function procPath(pid: number, file: string): string {
  if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`not a pid: ${pid}`);
  return `/proc/${pid}/${file}`;
}

/** A /proc file's bytes, or null when the error is one of `nullCodes` (gone, not ours). */
export function readOrNull(file: string, nullCodes: ReadonlySet<string>): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if (nullCodes.has(errnoCode(err) ?? '')) return null;
    throw err;
  }
}

/** The process's /proc/<pid>/stat, or null when it is gone. */
export function readStat(pid: number): ProcInfo | null {
  const buf = readOrNull(procPath(pid, 'stat'), GONE);
  return buf === null ? null : parseStat(buf.toString('utf8'));
}

/** argv as the kernel has it; [] for kernel threads and zombies; null when the process is gone. */
export function readCmdline(pid: number): string[] | null {
  const buf = readOrNull(procPath(pid, 'cmdline'), GONE);
  return buf === null ? null : splitNul(buf);
}

/**
 * Whether the process's initial environment holds `entry` (`KEY=value`) as a whole entry; null when
 * it cannot be read (gone, or not ours). Note: this is the environment at exec time.
 */
export function readEnvironHas(pid: number, entry: string): boolean | null {
  const buf = readOrNull(procPath(pid, 'environ'), UNREADABLE);
  return buf === null ? null : environHas(buf, entry);
}

export interface ProcessIdentity {
  pid: number;
  /** null when unknown at the time it was recorded: then only liveness is checked. */
  startTicks: number | null;
}

/** The very process `ref` recorded is still running: same pid, same start ticks, not a zombie. */
export function processMatches(ref: ProcessIdentity): boolean {
  const st = readStat(ref.pid);
  if (st === null || st.state === 'Z' || st.state === 'X') return false;
  return ref.startTicks === null || st.startTicks === ref.startTicks;
}

export async function listPids(): Promise<number[]> {
  const names = await fs.promises.readdir('/proc');
  const pids: number[] = [];
  for (const n of names) if (/^[1-9][0-9]*$/.test(n)) pids.push(Number(n));
  return pids;
}

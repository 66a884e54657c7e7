// Reading .aura/run/daemon.lock: who holds it, and whether that holder is still alive. Clients
// (`aura wake`, `stop`, `status`, doctor, the dashboard link) need only this; taking and releasing the
// lock is lock.ts.
//
// A lock is live only while its holder is: same pid, same start ticks (PID reuse), not a zombie, and
// an aura process (its cmdline mentions aura: after a reboot an unrelated process may get the same
// pid). Anything else, including an unparsable file, is stale.
import fsp from 'node:fs/promises';
import { readCmdline, readStat } from '../proc/index.js';
import { errnoCode } from '../util/errors.js';
import type { Layout } from './layout.js';

export interface LockInfo {
  pid: number;
  startTicks: number | null;
  startedAt: string;
  socketPath: string;
  version: string;
  taskFile: string;
  /** Where the daemon's dashboard listens (`aura start --http`); added once it listens. */
  http?: LockHttp;
}

export interface LockHttp {
  host: string;
  port: number;
  url: string;
  /** The per-boot token for mutations, 0600, next to the lock. */
  tokenFile: string;
}

function asLockHttp(v: unknown): LockHttp | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.host !== 'string' || typeof o.url !== 'string' || typeof o.tokenFile !== 'string' || !isCount(o.port, 1)) return null;
  return { host: o.host, port: o.port, url: o.url, tokenFile: o.tokenFile };
}

// Checked by hand rather than with zod: `aura wake` reads the lock, and loading zod would add
// ~80 ms to every such command's start-up.
const isCount = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

export function asLockInfo(v: unknown): LockInfo | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (!isCount(o.pid, 1) || !(o.startTicks === null || isCount(o.startTicks, 0))) return null;
  for (const k of ['startedAt', 'socketPath', 'version', 'taskFile'] as const) if (typeof o[k] !== 'string') return null;
  const http = asLockHttp(o.http);
  return {
    pid: o.pid,
    startTicks: o.startTicks as number | null,
    startedAt: o.startedAt as string,
    socketPath: o.socketPath as string,
    version: o.version as string,
    taskFile: o.taskFile as string,
    ...(http ? { http } : {}),
  };
}

/** One look at the lock file: its bytes and inode (to tell a replaced file), and what they say. */
export interface Seen {
  raw: Buffer;
  ino: number;
  info: LockInfo | null;
}

function parseInfo(raw: Buffer): LockInfo | null {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  return asLockInfo(value);
}

/** The lock file as it is now; null when there is none. */
export async function inspect(file: string): Promise<Seen | null> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
  try {
    const [st, raw] = await Promise.all([fh.stat(), fh.readFile()]);
    return { raw, ino: st.ino, info: parseInfo(raw) };
  } finally {
    await fh.close();
  }
}

/** Why the holder in `info` is not holding the lock any more; null when it still is. */
export function staleReason(info: LockInfo): string | null {
  const st = readStat(info.pid);
  if (st === null) return `PID ${info.pid} is no longer running`;
  if (st.state === 'Z' || st.state === 'X') return `PID ${info.pid} has exited`;
  if (info.startTicks !== null && st.startTicks !== info.startTicks) return `PID ${info.pid} now belongs to another process`;
  // We are an aura process whatever our argv says (tests, embedding).
  if (info.pid === process.pid) return null;
  const argv = readCmdline(info.pid);
  if (argv === null) return `PID ${info.pid} is no longer running`;
  if (!argv.some((a) => /aura/i.test(a))) return `PID ${info.pid} is not an aura process`;
  return null;
}

/** For clients: who holds the lock and whether it is live. null when there is no (readable) lock. */
export async function readLock(layout: Layout): Promise<{ info: LockInfo; alive: boolean } | null> {
  const seen = await inspect(layout.lockFile);
  if (!seen?.info) return null;
  return { info: seen.info, alive: staleReason(seen.info) === null };
}

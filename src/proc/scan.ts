// Whole-system scans over /proc. Reads run in parallel but bounded, so a box with thousands of
// processes does not exhaust file descriptors; processes that vanish mid-scan are skipped.
import fsp from 'node:fs/promises';
import { errnoCode } from '../util/errors.js';
import { environHas, parseStat, type ProcInfo } from './parse.js';
import { listPids, procPath } from './read.js';

const CONCURRENCY = 32;
const GONE = new Set(['ENOENT', 'ESRCH']);
const UNREADABLE = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM']);

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function readOrNull(file: string, nullCodes: Set<string>): Promise<Buffer | null> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    if (nullCodes.has(errnoCode(err) ?? '')) return null;
    throw err;
  }
}

async function statOf(pid: number): Promise<ProcInfo | null> {
  const buf = await readOrNull(procPath(pid, 'stat'), GONE);
  return buf === null ? null : parseStat(buf.toString('utf8'));
}

/** Every process visible in /proc right now (zombies included: filter on `state` if needed). */
export async function scanProcesses(): Promise<ProcInfo[]> {
  const stats = await mapLimit(await listPids(), CONCURRENCY, statOf);
  return stats.filter((s): s is ProcInfo => s !== null);
}

/**
 * Processes whose environment holds `key=value` as a whole NUL-separated entry. Processes we may not
 * read (other users) cannot carry our marker unless they changed uid, and are skipped.
 */
export async function findByEnvMarker(key: string, value: string): Promise<ProcInfo[]> {
  if (key === '' || key.includes('=') || key.includes('\0') || value.includes('\0')) {
    throw new RangeError(`invalid environment marker ${JSON.stringify(key)}=${JSON.stringify(value)}`);
  }
  const entry = `${key}=${value}`;
  const found = await mapLimit(await listPids(), CONCURRENCY, async (pid) => {
    const env = await readOrNull(procPath(pid, 'environ'), UNREADABLE);
    if (env === null || !environHas(env, entry)) return null;
    // Read stat after environ: a pid that exited in between is dropped rather than reported stale.
    return statOf(pid);
  });
  return found.filter((s): s is ProcInfo => s !== null);
}

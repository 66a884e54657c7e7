// Whole-system scans over /proc, one file at a time (one open fd at most); processes that vanish
// mid-scan are skipped.
//
// Synchronous reads on purpose: /proc files are generated in memory, and readFileSync costs about
// 2 ms per 100 processes where fs.promises.readFile (a thread-pool round trip per file) costs 15–20.
// A scan of 1,000 processes therefore blocks the loop ~20 ms instead of taking 200 ms asynchronously.
import { environHas, type ProcInfo } from './parse.js';
import { listPids, procPath, readStat, readView, UNREADABLE } from './read.js';

/** Every process visible in /proc right now (zombies included: filter on `state` if needed). */
export async function scanProcesses(): Promise<ProcInfo[]> {
  const stats = (await listPids()).map(readStat);
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
  const entry = Buffer.from(`${key}=${value}`, 'utf8');
  const found = (await listPids()).map((pid) => {
    const env = readView(procPath(pid, 'environ'), UNREADABLE);
    if (env === null || !environHas(env, entry)) return null;
    // Read stat after environ: a pid that exited in between is dropped rather than reported stale.
    return readStat(pid);
  });
  return found.filter((s): s is ProcInfo => s !== null);
}

// What read-only commands say about the daemon: from the lock file, plus a quick ping for its mode
// and next wake when it is alive. Never writes anything.
import { request } from '../daemon/control.js';
import type { DaemonInfo } from '../progress/types.js';
import type { Layout } from '../store/layout.js';
import { readLock } from '../store/lock-read.js';

export async function daemonInfo(layout: Layout, doneAt: string | null): Promise<DaemonInfo> {
  const lock = await readLock(layout);
  if (!lock || !lock.alive) return { pid: null, mode: doneAt ? 'done' : 'stopped', nextWakeAt: null, startedAt: null };
  try {
    const r = await request(lock.info.socketPath, { cmd: 'ping' }, 1000);
    if (r.ok) {
      return {
        pid: lock.info.pid,
        mode: (r.mode as DaemonInfo['mode']) ?? 'running',
        nextWakeAt: typeof r.nextWakeAt === 'string' ? r.nextWakeAt : null,
        startedAt: typeof r.startedAt === 'string' ? r.startedAt : null,
        ...(r.resources && typeof r.resources === 'object' ? { resources: r.resources as Record<string, string> } : {}),
      };
    }
  } catch {
    // A daemon that holds the lock but does not answer is still running; say what we know.
  }
  return { pid: lock.info.pid, mode: 'running', nextWakeAt: null, startedAt: lock.info.startedAt ?? null };
}

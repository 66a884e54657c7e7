// Invariant 6: a status cache aura would trust says exactly what the run on disk says. The daemon
// keeps .aura/state/status-cache.json current between cycles (src/daemon/status-cache-keeper.ts), so
// after any fault (a kill at any moment, a torn write, a foreign edit) `aura status` may answer from
// it instead of state.json and the journal: if the reader accepts it, it must not differ by a line.
import path from 'node:path';
import { factsOf } from '../../src/progress/facts.js';
import { factsFromDigest } from '../../src/progress/status-digest.js';
import { statusText } from '../../src/progress/status-text.js';
import type { DaemonInfo } from '../../src/progress/types.js';
import { layoutFor } from '../../src/store/layout.js';
import { readStatusCache } from '../../src/store/status-cache.js';
import type { RunState, JournalEntry } from '../../src/store/schema.js';
import type { Ctx } from './common.js';

const STOPPED: DaemonInfo = { pid: null, mode: 'stopped', nextWakeAt: null, startedAt: null };

/** How often a cache was there to compare, for the run's summary (an invariant never exercised proves nothing). */
export const statusCacheSeen = { trusted: 0, ignored: 0 };

function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  const i = x.findIndex((l, k) => l !== y[k]);
  const at = i < 0 ? x.length : i;
  return `line ${at + 1}:\n  cache: ${x[at] ?? '(none)'}\n  disk:  ${y[at] ?? '(none)'}`;
}

/** `state`: the run as aura reads it (state.json, then the journal); `journal`: every valid entry. */
export function checkStatusCache(ctx: Ctx, dir: string, state: RunState | null, journal: JournalEntry[], where: string): void {
  const body = readStatusCache(layoutFor(path.resolve(dir)));
  if (body === null) {
    statusCacheSeen.ignored += 1;
    return;
  }
  statusCacheSeen.trusted += 1;
  if (!state) {
    ctx.violate(`the status cache is trusted though the run on disk cannot be read (${where})`);
    return;
  }
  let cached: ReturnType<typeof factsFromDigest>;
  try {
    cached = factsFromDigest(JSON.parse(body));
  } catch {
    cached = null;
  }
  if (!cached) {
    ctx.violate(`the status cache passes its checksum and stamps but is not one this version reads (${where})`);
    return;
  }
  const now = new Date();
  const fromCache = statusText(cached, STOPPED, now);
  const fromDisk = statusText(factsOf(state, journal.slice(-40)), STOPPED, now);
  if (fromCache !== fromDisk) ctx.violate(`aura status from the status cache differs from the run on disk (${where}), ${firstDifference(fromCache, fromDisk)}`);
}

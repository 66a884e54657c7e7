// aura never exits with a worker alive: before the process ends (for any reason other than
// --leave-workers), every worker tree and evidence check is stopped, and then anything still
// carrying the run's id is stopped too, which would mean a bug, so the log says so.
import { SHUTDOWN_REASON } from '../core/tree.js';
import { RUN_KEY, stopTree } from '../workers/tree-kill.js';
import type { Cycle } from './cycle.js';

export async function stopWorkersForExit(c: Cycle | null, graceMs: number, log: (line: string) => void): Promise<void> {
  if (!c) return;
  try {
    await c.stopAllWorkers(SHUTDOWN_REASON, graceMs);
  } catch (err) {
    log(`stopping workers before exit failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function sweepLeftovers(c: Cycle | null, log: (line: string) => void): Promise<void> {
  if (!c) return;
  try {
    await c.closeStandby(); // the spare runner carries the run's id too, and is no leftover
    const r = await stopTree(null, c.state.runId, { graceMs: 1000, key: RUN_KEY });
    if (r.signalled > 0) log(`found ${r.signalled} process(es) of this run still alive at exit and stopped them${r.survivors.length ? `; PIDs ${r.survivors.join(', ')} survive SIGKILL` : ''}`);
  } catch (err) {
    log(`could not check for leftover processes: ${err instanceof Error ? err.message : String(err)}`);
  }
}


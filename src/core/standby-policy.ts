// Whether a spare runner (src/workers/standby.ts) should be waiting: only while a task waits to
// start and the run is not paused. A spare is an idle Node process (~40 MB); with nothing pending it
// would only ever be thrown away, and a paused run starts nothing. Pure.
import type { TaskStatus } from '../store/schema.js';

export function spareWanted(counts: Readonly<Record<TaskStatus, number>>, paused: boolean, draining: boolean): boolean {
  return !paused && !draining && counts.pending > 0;
}

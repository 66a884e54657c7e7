// Whether a spare runner (src/workers/standby.ts) should be waiting: only while a task waits to
// start, the run is not paused or stopping, and tasks run on this machine by default (a Slurm run's
// tasks start as batch jobs; one marked `executor: local` there starts without a spare). A spare is
// an idle Node process (~40 MB); with nothing pending it would only ever be thrown away. Pure.

/** `waitingLeaves`: tasks pending with no subtasks (PlanIndex.waitingLeaves); groups get no worker. */
export function spareWanted(waitingLeaves: number, paused: boolean, draining: boolean, localByDefault: boolean): boolean {
  return localByDefault && !paused && !draining && waitingLeaves > 0;
}

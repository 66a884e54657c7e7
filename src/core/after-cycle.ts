// What the daemon does once a cycle has run. Pure.
//   finish   exit now (exit code given when the run's outcome decides it)
//   drain    the run is over but something still runs (a removed task's tree): stop it, then exit
//   settle   --once: the one cycle ran; wait for its workers and checks, start nothing new
//   wait     stopping or settling, with work still in flight: render, wait for the next wake
//   sleep    the usual: sleep until the next heartbeat or due time
export interface AfterCycleInput {
  mode: 'running' | 'draining';
  settling: boolean;
  once: boolean;
  exitWhenDone: boolean;
  leaveWorkers: boolean;
  outcome: 'working' | 'done' | 'stuck';
  busy: number;
}

export type AfterCycle =
  | { kind: 'finish'; exitCode?: number }
  | { kind: 'drain'; exitCode: number }
  | { kind: 'settle' }
  | { kind: 'wait' }
  | { kind: 'sleep' };

export function afterCycle(i: AfterCycleInput): AfterCycle {
  if (i.mode === 'draining' || i.settling) return i.busy === 0 ? { kind: 'finish' } : { kind: 'wait' };
  if (i.exitWhenDone && i.outcome !== 'working') {
    const exitCode = i.outcome === 'done' ? 0 : 1;
    // Nothing of the run may outlive the daemon: what still runs is stopped and waited for first.
    return i.busy > 0 ? { kind: 'drain', exitCode } : { kind: 'finish', exitCode };
  }
  if (i.once) return i.busy === 0 || i.leaveWorkers ? { kind: 'finish' } : { kind: 'settle' };
  return { kind: 'sleep' };
}

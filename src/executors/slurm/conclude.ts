// From everything known about a finished job to the WorkerExit the daemon judges. Pure.
//
// The wrapper's exit record (exit.json, written by the runner inside the job) is the first truth for
// the exit status; Slurm's ExitCode only fills in when the runner itself was killed. Slurm's state
// says what kind of end it was (states.ts), and aura's own stop, when it stopped the job, wins.
import type { WorkerExit } from '../../daemon/pool.js';
import { endingOf, exitFromSlurm, oomVerdict } from './states.js';

export interface EndFacts {
  task: string;
  attempt: number;
  adopted: boolean;
  /** Slurm's final state; null when the job is gone from every listing aura could ask. */
  state: string | null;
  reason: string | null;
  cancelledBy: string | null;
  record: { code: number | null; signal: string | null } | null;
  slurmExit: { code: number | null; signal: number | null } | null;
  /** Why aura stopped it, when it did. */
  stopReason: string | null;
  memory: { usedBytes: number | null; limitBytes: number | null; killedByStepd: boolean };
}

export function workerExitFor(f: EndFacts): WorkerExit {
  const exit = f.record ? { code: f.record.code, signal: f.record.signal as NodeJS.Signals | null } : exitFromSlurm(f.slurmExit);
  const base = { task: f.task, attempt: f.attempt, adopted: f.adopted, exit };
  if (f.state === null) {
    const detail = f.record
      ? 'the job is gone from the controller; its exit record says how it ended'
      : 'the job is gone from the controller and left no exit record';
    return { ...base, stopReason: f.stopReason, remote: { detail } };
  }
  const ending = endingOf(f.state, { reason: f.reason, cancelledBy: f.cancelledBy, memoryKill: f.memory.killedByStepd });
  // aura stopped it (kill, shutdown, its own watchdog, the budget backstop): that is why it ended.
  if (f.stopReason) return { ...base, stopReason: f.stopReason, remote: { detail: ending.detail } };
  switch (ending.kind) {
    case 'oom': {
      const v = oomVerdict(f.state, f.memory.usedBytes, f.memory.limitBytes);
      return { ...base, stopReason: `watchdog: ${v.message}`, remote: { detail: ending.detail, stopData: { ...v } } };
    }
    case 'timeout':
      return { ...base, stopReason: 'timeout', remote: { detail: ending.detail } };
    case 'lost':
      return { ...base, stopReason: ending.detail, remote: { outcome: 'lost', detail: ending.detail } };
    case 'cancelled': {
      const who = f.cancelledBy ? ` (uid ${f.cancelledBy})` : '';
      return { ...base, stopReason: `cancelled outside aura${who}: scancel or an administrator`, remote: { outcome: 'killed', detail: ending.detail } };
    }
    case 'exited':
      return { ...base, stopReason: null, remote: { detail: ending.detail } };
  }
}

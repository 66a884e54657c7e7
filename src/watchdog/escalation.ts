// What a watchdog kill means for the task, by how many times it has happened. Pure: returns the
// decision as data and the daemon applies it (status change, brief text, subtask, journal entry).
//
//   1st kill → back to pending, retried with guidance in the brief (the worker may not know it was
//              hogging anything: say what was measured and how to use less);
//   2nd kill → blocked, plus a resource-fix subtask (someone has to change the task or the limits);
//   3rd+     → failed: infeasible as specified.
import { formatBytes, formatPercent } from './limits.js';
import type { KillVerdict, LimitKey } from './verdict.js';

export type Escalation =
  | { action: 'retry'; status: 'pending'; guidance: string }
  | { action: 'block'; status: 'blocked'; reason: string; subtask: { title: string; notes: string } }
  | { action: 'fail'; status: 'failed'; reason: string };

const ADVICE: Record<LimitKey, string> = {
  memBytes:
    'use less memory: stream or chunk large inputs instead of loading them whole, free buffers you no longer need, and lower batch sizes or parallel jobs (e.g. `make -j1`, fewer test workers)',
  memPercent:
    'use less memory: stream or chunk large inputs instead of loading them whole, free buffers you no longer need, and lower batch sizes or parallel jobs (e.g. `make -j1`, fewer test workers)',
  memReserve:
    'use less memory: the machine ran short of free memory and this worker was the largest user; stream or chunk data and run fewer things in parallel',
  cpuPercent:
    'use less CPU: run builds and tests with fewer parallel jobs (e.g. `-j1`, `--workers=1`), avoid busy-wait loops, and do not start long CPU-heavy jobs in the background',
  gpuUtilPercent:
    'use the GPU less: smaller batches or models, fewer concurrent GPU jobs, and CPU for work that does not need a GPU',
  gpuMemPercent:
    'use less GPU memory: smaller batch sizes or models, mixed precision, gradient checkpointing, and release tensors you no longer need',
  gpuMemBytes:
    'use less GPU memory: smaller batch sizes or models, mixed precision, gradient checkpointing, and release tensors you no longer need',
  gpuReserve:
    'use less GPU memory: the GPU ran short of free memory and this worker was the largest user; use smaller batches or models',
};

/** The configured limit in words, for the subtask notes: "2 GB", "50%". */
function limitText(v: KillVerdict): string {
  return v.unit === 'bytes' ? formatBytes(v.limitValue) : formatPercent(v.limitValue);
}

/**
 * @param killCount watchdog kills of this task so far, this one included (1 for the first).
 */
export function escalate(task: { id: string; title: string }, killCount: number, verdict: KillVerdict): Escalation {
  if (!Number.isInteger(killCount) || killCount < 1) throw new RangeError(`kill count must be a whole number ≥ 1, got ${killCount}`);
  const what = verdict.message;
  if (killCount === 1) {
    return {
      action: 'retry',
      status: 'pending',
      guidance: `The previous attempt was stopped by the watchdog: ${what}; ${ADVICE[verdict.limit]}.`,
    };
  }
  if (killCount === 2) {
    const reason = `stopped by the watchdog twice; last time ${what}`;
    return {
      action: 'block',
      status: 'blocked',
      reason,
      subtask: {
        title: `Make ${task.id} fit its resource limits`,
        notes: [
          `Task ${task.id} ("${task.title}") was stopped by the resource watchdog twice.`,
          `Last time: ${what}.`,
          `Either change the approach so it stays under ${limitText(verdict)} (${ADVICE[verdict.limit]}),`,
          `split the task into smaller steps, or raise the limit (AURA_WORKER_* settings) if the machine can afford it.`,
        ].join('\n'),
      },
    };
  }
  return {
    action: 'fail',
    status: 'failed',
    reason: `infeasible as specified: stopped by the watchdog ${killCount} times; last time ${what}`,
  };
}

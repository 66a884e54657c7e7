// An attempt's contract: what it is judged by (its artifacts and verify step, and what it ran), fixed
// when it started. task.md may change while the attempt runs (a person's edit, or a worker with write
// access to the project rewriting its own produces: or verify:); the attempt still clears the bar it
// started with, and a task whose contract changed meanwhile runs again under the new one. Pure.
import type { Attempt, AttemptContract, TaskState } from '../store/schema.js';

export function contractOf(t: Pick<TaskState, 'produces' | 'verify' | 'run' | 'worker'>): AttemptContract {
  return {
    produces: [...t.produces],
    ...(t.verify !== undefined ? { verify: t.verify } : {}),
    ...(t.run !== undefined ? { run: t.run } : {}),
    ...(t.worker !== undefined ? { worker: t.worker } : {}),
  };
}

/** What this attempt is judged by: its own fixed contract, or (older attempts) the task's. */
export function judgedBy(t: TaskState, a: Attempt | null): AttemptContract {
  return a?.contract ?? contractOf(t);
}

/** Whether the task's contract now differs from the one the attempt started with. */
export function contractMoved(t: TaskState, a: Attempt): boolean {
  if (!a.contract) return false;
  const now = contractOf(t);
  return (
    now.produces.join('\n') !== a.contract.produces.join('\n') ||
    (now.verify ?? '') !== (a.contract.verify ?? '') ||
    (now.run ?? '') !== (a.contract.run ?? '') ||
    (now.worker ?? '') !== (a.contract.worker ?? '')
  );
}

// What the executor keeps per job it follows. Plain data; the executor and the pure reconcile step
// change it.
import type { StopResult } from '../../workers/tree-kill.js';
import type { QueueRow } from './parse.js';

export interface JobHandle {
  task: string;
  attempt: number;
  marker: string;
  /** The name aura finds the job by (names.ts); set before sbatch runs. */
  name: string;
  attemptDirAbs: string;
  /** From sbatch, or from the listing by name (an adopted job's id from a file is only a hint). */
  jobId: string | null;
  adopted: boolean;
  phase: 'submitting' | 'queued' | 'running' | 'final';
  /** Why aura stopped it, when it did. */
  stopReason: string | null;
  stopWaiters: Array<(r: StopResult) => void>;
  stopAt: number | null;
  cancelPending: boolean;
  /** First poll the job was absent from the listing (null while listed). */
  missingSince: number | null;
  /** First poll the job was seen final without an exit record yet (a shared filesystem may lag). */
  finalSince: number | null;
  memLimitBytes: number | null;
  cpus: number | null;
  row: QueueRow | null;
}

export function newHandle(
  a: Pick<JobHandle, 'task' | 'attempt' | 'marker' | 'name' | 'attemptDirAbs' | 'adopted' | 'memLimitBytes' | 'cpus'> & { phase: JobHandle['phase'] },
): JobHandle {
  return { ...a, jobId: null, stopReason: null, stopWaiters: [], stopAt: null, cancelPending: false, missingSince: null, finalSince: null, row: null };
}

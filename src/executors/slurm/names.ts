// Job names: the one handle aura trusts to find its jobs again. A name carries the run, the task and
// the attempt, so a restarted daemon re-adopts by name and a job id read from a file is only a hint.
// Task ids are already [A-Za-z0-9._-], which Slurm takes as they are.

const PREFIX = 'aura-';

/** The first 8 hex digits of the run id: short enough for squeue's columns, unique enough per user. */
export function runTag(runId: string): string {
  return runId.replace(/[^0-9a-zA-Z]/g, '').slice(0, 8).toLowerCase();
}

/** Every job of a run starts with this. */
export function runPrefix(runId: string): string {
  return `${PREFIX}${runTag(runId)}-`;
}

export function jobName(runId: string, task: string, attempt: number): string {
  return `${runPrefix(runId)}${task}-${attempt}`;
}

/** The task and attempt a job name of this run stands for; null for any other name. */
export function parseJobName(name: string, runId: string): { task: string; attempt: number } | null {
  const prefix = runPrefix(runId);
  if (!name.startsWith(prefix)) return null;
  const m = /^(.+)-([1-9]\d*)$/.exec(name.slice(prefix.length));
  if (!m) return null;
  return { task: m[1]!, attempt: Number(m[2]) };
}

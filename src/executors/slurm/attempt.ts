// Starting an attempt as a Slurm job: the attempt directory and brief as for a local worker, the
// attempt record with the job's name written ahead of sbatch (a crash mid-submit finds the job by
// name, and the attempt is never submitted twice), then the runner's spec and one sbatch.
import type { Config } from '../../config/schema.js';
import type { JournalDraft } from '../../core/transitions.js';
import type { HashLimits } from '../../daemon/artifacts.js';
import { prepareAttempt, prepareRunner } from '../../daemon/attempts.js';
import type { Layout } from '../../store/layout.js';
import type { Attempt, RunState, TaskState } from '../../store/schema.js';
import type { ResolvedWorker } from '../../workers/registry.js';
import { MARKER_KEY, RUN_KEY } from '../../workers/tree-kill.js';
import { executorProblem } from '../problems.js';
import { describeSlurmError } from './errors.js';
import type { SlurmExecutor } from './executor.js';
import { jobName } from './names.js';
import { taskResources } from './resources.js';

/** What submitting needs of the cycle. */
export interface SlurmSpawnHost {
  layout: Layout;
  state: RunState;
  config: Config;
  env: NodeJS.ProcessEnv;
  /** How artifacts are fingerprinted before the attempt (the same as for a local one). */
  hashLimits: HashLimits;
  put(t: TaskState, to: TaskState['status'], reason: string, patch?: Partial<TaskState>): TaskState;
  commit(): Promise<void>;
  setAttempt(t: TaskState, a: Attempt): TaskState;
  /** Records an attempt that did not end cleanly (here: could not be submitted) and retries or fails. */
  conclude(t: TaskState, a: Attempt): Promise<void>;
  journal(d: JournalDraft): void;
  slurm(): SlurmExecutor;
}

export async function spawnSlurm(h: SlurmSpawnHost, t0: TaskState, worker: ResolvedWorker): Promise<void> {
  const problem = executorProblem(t0, h.config, h.env);
  if (problem) {
    h.put(t0, 'blocked', problem, { blockedBy: 'worker' });
    return;
  }
  const resources = taskResources(t0.extra, h.config);
  const budgetMs = t0.budgetMs ?? h.config.AURA_TASK_BUDGET * 60_000;
  const prepared = await prepareAttempt(h.layout, h.state, t0, worker.name, budgetMs, new Date(), h.hashLimits);
  const name = jobName(h.state.runId, t0.id, prepared.attempt.n);
  const attempt: Attempt = { ...prepared.attempt, job: { executor: 'slurm', name, id: null, memBytes: resources.memBytes } };
  let t = h.put(t0, 'running', `attempt ${attempt.n} goes to Slurm as ${name} (${worker.name} worker)`, { attempts: [...t0.attempts, attempt], notBefore: null });
  // Write-ahead: the job's name is on disk before sbatch runs.
  await h.commit();
  try {
    const r = await prepareRunner({ layout: h.layout, state: h.state, task: t, attempt, brief: prepared.brief, worker, parentEnv: h.env, config: h.config, argvPrefix: [], extraEnv: {} });
    const sub = await h.slurm().submit({
      task: t.id,
      attempt: attempt.n,
      marker: attempt.marker,
      name,
      attemptDirAbs: r.attemptDirAbs,
      projectDir: h.layout.project,
      specFile: r.specFile,
      runner: r.runner,
      env: { ...r.env, [MARKER_KEY]: attempt.marker, [RUN_KEY]: h.state.runId },
      budgetMs,
      resources,
    });
    const a: Attempt = { ...attempt, job: { executor: 'slurm', name, id: sub.jobId, memBytes: resources.memBytes } };
    t = h.setAttempt(t, a);
    const what = worker.name === 'shell' ? t.run : `${worker.name} agent`;
    const msg = sub.jobId ? `job ${sub.jobId} submitted (${name}): ${what}` : `job ${name} submitted, but ${sub.note}`;
    h.journal({ kind: 'attempt', task: t.id, msg, data: { task: t, sbatch: sub.argv } });
  } catch (err) {
    const a: Attempt = { ...attempt, endedAt: new Date().toISOString(), outcome: 'spawn_error', stopReason: describeSlurmError(err) };
    t = h.setAttempt(t, a);
    await h.conclude(t, a);
  }
}

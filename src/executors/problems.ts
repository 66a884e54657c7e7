// Why a task cannot go to its executor as written, in words, or null. The rules planner blocks such
// a task with this reason (and lifts the block once task.md is fixed), exactly as it does when no
// worker can run a task.
import type { Config } from '../config/schema.js';
import type { TaskState } from '../store/schema.js';
import { which } from '../workers/registry.js';
import { describeSlurmError } from './slurm/errors.js';
import { extraArgs, taskResources } from './slurm/resources.js';
import { executorFor } from './types.js';

type ProblemConfig = Pick<Config, 'AURA_EXECUTOR' | 'AURA_SLURM_SBATCH_ARGS' | 'AURA_WORKER_MAX_SYSTEM_MEMORY_GB'>;

export function executorProblem(t: Pick<TaskState, 'id' | 'extra'>, config: ProblemConfig, env: NodeJS.ProcessEnv): string | null {
  if (executorFor(t, config) !== 'slurm') return null;
  if (!which('sbatch', env)) {
    return "sbatch is not installed (not found on PATH): install Slurm's client commands on this machine, or run the task here with executor: local (AURA_EXECUTOR=local)";
  }
  try {
    taskResources(t.extra, config);
    extraArgs(config.AURA_SLURM_SBATCH_ARGS);
    return null;
  } catch (err) {
    return `cannot submit ${t.id} to Slurm: ${describeSlurmError(err)}`;
  }
}

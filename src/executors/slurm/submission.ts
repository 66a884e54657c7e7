// Everything one sbatch call needs, built from the attempt: the script text, the argv and the
// environment sbatch runs in. Pure (the executor writes the file and runs the command).
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { sbatchArgv, signalLeadSeconds } from './argv.js';
import { extraArgs, type TaskResources } from './resources.js';
import { batchScript, exportable } from './script.js';
import { memMegabytes, timeMinutes } from './units.js';

export interface SubmitSpec {
  task: string;
  attempt: number;
  marker: string;
  name: string;
  attemptDirAbs: string;
  projectDir: string;
  /** The runner's spec (runner.json), the runner itself, and the environment a local worker would get. */
  specFile: string;
  runner: string;
  env: NodeJS.ProcessEnv;
  budgetMs: number;
  resources: TaskResources;
}

export interface Submission {
  scriptPath: string;
  scriptText: string;
  argv: string[];
  /** sbatch's own environment, which the job inherits: the worker's allowlisted variables, plus SLURM_CONF. */
  env: NodeJS.ProcessEnv;
}

/** Variables Slurm sets itself in a job; one from the daemon's own allocation would mislead the worker. */
const SLURM_OWN = /^(SLURM_|SBATCH_|SALLOC_|SRUN_)/;

type SubmitConfig = Pick<Config, 'AURA_SLURM_PARTITION' | 'AURA_SLURM_ACCOUNT' | 'AURA_SLURM_SBATCH_ARGS'>;

export function buildSubmission(s: SubmitSpec, config: SubmitConfig, daemonEnv: NodeJS.ProcessEnv, node: string): Submission {
  const keep = Object.keys(s.env)
    .filter((k) => exportable(k) && !SLURM_OWN.test(k) && s.env[k] !== undefined)
    .sort();
  const scriptPath = path.join(s.attemptDirAbs, 'job.sh');
  const minutes = timeMinutes(s.budgetMs);
  const argv = sbatchArgv({
    name: s.name,
    chdir: s.projectDir,
    output: path.join(s.attemptDirAbs, 'slurm.out'),
    script: scriptPath,
    timeMinutes: minutes,
    signalSeconds: signalLeadSeconds(minutes),
    memMegabytes: s.resources.memBytes !== null ? memMegabytes(s.resources.memBytes) : null,
    cpus: s.resources.cpus,
    gpus: s.resources.gpus,
    partition: config.AURA_SLURM_PARTITION ?? null,
    account: config.AURA_SLURM_ACCOUNT ?? null,
    extra: extraArgs(config.AURA_SLURM_SBATCH_ARGS),
  });
  // sbatch also reads options from SBATCH_* variables: it runs in the worker's environment only.
  const env: NodeJS.ProcessEnv = Object.fromEntries(keep.map((k) => [k, s.env[k]]));
  if (daemonEnv.SLURM_CONF) env.SLURM_CONF = daemonEnv.SLURM_CONF;
  if (!env.PATH && daemonEnv.PATH) env.PATH = daemonEnv.PATH;
  const scriptText = batchScript({ title: `task ${s.task}, attempt ${s.attempt} (job ${s.name})`, node, runner: s.runner, specFile: s.specFile, keep });
  return { scriptPath, scriptText, argv, env };
}

/** What submit() did: the job's id (null when sbatch's answer was lost) and the command line. */
export interface Submitted {
  jobId: string | null;
  argv: string[];
  /** Set when sbatch's answer was lost: the job is looked for by name. */
  note?: string;
}

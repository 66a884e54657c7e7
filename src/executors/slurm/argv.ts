// The Slurm commands aura runs, as argv. Every listing asks for a machine-readable form (--parsable,
// -h -o with a fixed field order, -P -n), and the parsers in parse.ts read exactly these formats.
// Pure: the I/O module runs what these build.

/**
 * squeue fields, `|`-separated, the job name last (a job name of someone else's may hold a `|`):
 * id, state, reason, start, end, CPUs, nodes, time limit, name.
 */
export const SQUEUE_FORMAT = '%i|%T|%r|%S|%e|%C|%N|%l|%j';
/** sacct fields (-P: `|`-separated), the job name last. */
export const SACCT_FIELDS = 'JobIDRaw,State,ExitCode,MaxRSS,ReqMem,Start,End,NodeList,JobName';
/** sstat fields: CPU time and current memory from TRESUsageInTot, the peak from MaxRSS. */
export const SSTAT_FIELDS = 'JobID,TRESUsageInTot,MaxRSS';

/** One listing of every job of this user the controller still holds, finished ones included (MinJobAge). */
export function squeueArgv(user: string): string[] {
  return ['squeue', '-h', '-t', 'all', '-u', user, '-o', SQUEUE_FORMAT];
}

/** Accounting records of finished jobs, steps included (MaxRSS lives on the steps). */
export function sacctArgv(jobIds: readonly string[]): string[] {
  return ['sacct', '-P', '-n', '-j', jobIds.join(','), '-o', SACCT_FIELDS];
}

/** Accounting records by name, for jobs whose id aura never learned or no longer trusts. */
export function sacctByNameArgv(names: readonly string[], user: string, sinceIso: string): string[] {
  return ['sacct', '-P', '-n', '-u', user, `--name=${names.join(',')}`, '-S', sinceIso, '-o', SACCT_FIELDS];
}

/** Every job the controller holds, one line each: the record of finished jobs where there is no sacct. */
export function scontrolJobsArgv(): string[] {
  return ['scontrol', '-o', 'show', 'job'];
}

/** Live usage of running jobs, every step (-a) so the batch step is included. */
export function sstatArgv(jobIds: readonly string[]): string[] {
  return ['sstat', '-a', '-P', '-n', '-j', jobIds.join(','), '-o', SSTAT_FIELDS];
}

/** One scancel for many jobs (Slurm's TERM, KillWait, KILL to every process of each). */
export function scancelArgv(jobIds: readonly string[]): string[] {
  return ['scancel', ...jobIds];
}

/** For a job whose id aura does not know yet (its sbatch answer was lost): by name and user. */
export function scancelByNameArgv(name: string, user: string): string[] {
  return ['scancel', `--jobname=${name}`, '-u', user];
}

export interface SbatchSpec {
  name: string;
  chdir: string;
  /** Slurm's own output (slurmstepd's messages); the worker's output goes to the runner's logs. */
  output: string;
  script: string;
  timeMinutes: number;
  /** Seconds before the time limit at which the batch shell gets SIGUSR2. */
  signalSeconds: number;
  memMegabytes: number | null;
  cpus: number | null;
  gpus: number | null;
  partition: string | null;
  account: string | null;
  /** AURA_SLURM_SBATCH_ARGS, already split and checked (extraArgs in resources.ts). */
  extra: readonly string[];
}

export function sbatchArgv(s: SbatchSpec): string[] {
  return [
    'sbatch',
    '--parsable',
    `--job-name=${s.name}`,
    `--chdir=${s.chdir}`,
    `--output=${s.output}`,
    '--open-mode=append',
    // aura decides about retries (a node failure is not counted); Slurm must not rerun it behind aura's back.
    '--no-requeue',
    `--time=${s.timeMinutes}`,
    `--signal=B:USR2@${s.signalSeconds}`,
    // The job gets sbatch's own environment, which aura builds from the worker's allowlist alone (so
    // no value is written to a file). --export=<names> would imply --get-user-env: a login shell on
    // the node for every job (2 s each here) and whatever that profile exports.
    '--export=ALL',
    ...(s.memMegabytes !== null ? [`--mem=${s.memMegabytes}M`] : []),
    ...(s.cpus !== null ? [`--cpus-per-task=${s.cpus}`] : []),
    ...(s.gpus !== null && s.gpus > 0 ? [`--gres=gpu:${s.gpus}`] : []),
    ...(s.partition ? [`--partition=${s.partition}`] : []),
    ...(s.account ? [`--account=${s.account}`] : []),
    ...s.extra,
    s.script,
  ];
}

/**
 * How long before the time limit the wrapper hears about it: a quarter of the limit, between 10 s and
 * 60 s (Slurm may send it up to a minute early anyway, by its event resolution).
 */
export function signalLeadSeconds(timeMinutes: number): number {
  return Math.min(60, Math.max(10, Math.floor((timeMinutes * 60) / 4)));
}

// For the tests against a real Slurm (scripts/slurm-local.sh starts one): whether one answers here,
// and what the controller lists for a run. Without one the Slurm tests say they were skipped and why.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { REPO, testEnv, type Project } from '../helpers/aura.js';
import { runPrefix } from '../../src/executors/slurm/names.js';
import { phaseOf } from '../../src/executors/slurm/states.js';

function probe(): string | null {
  const which = spawnSync('sh', ['-c', 'command -v sbatch'], { encoding: 'utf8' });
  if (which.status !== 0) return 'sbatch is not installed here (scripts/slurm-local.sh start installs and starts a single-node Slurm)';
  const ping = spawnSync('scontrol', ['ping'], { encoding: 'utf8', timeout: 15_000 });
  if (ping.status !== 0 || !/is UP/.test(ping.stdout)) return `the Slurm controller does not answer (scontrol ping: ${(ping.stdout + ping.stderr).trim() || 'no output'}); scripts/slurm-local.sh start`;
  const nodes = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 15_000 });
  if (!/idle|mixed|allocated/.test(nodes.stdout)) return `no Slurm node is up (sinfo: ${nodes.stdout.trim() || nodes.stderr.trim()})`;
  return null;
}

/** Why the Slurm tests cannot run here, or false when a Slurm answers. */
export const NO_SLURM: string | false = probe() ?? false;

/** A test environment that sends every task to Slurm and looks often (the test cluster is quick). */
export function slurmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return testEnv({ AURA_EXECUTOR: 'slurm', AURA_SLURM_POLL_SECONDS: '0.5', AURA_SLURM_MISSING_SECONDS: '10', ...extra });
}

export interface Listed {
  id: string;
  state: string;
  name: string;
}

/** Every job of a run the controller still knows (finished ones for MinJobAge). */
export function jobsOfRun(runId: string): Listed[] {
  const out = execFileSync('squeue', ['-h', '-t', 'all', '-o', '%i|%T|%j'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [id, state, ...name] = l.split('|');
      return { id: id!, state: state!, name: name.join('|') };
    })
    .filter((j) => j.name.startsWith(runPrefix(runId)));
}

export const live = (jobs: Listed[]) => jobs.filter((j) => phaseOf(j.state) !== 'final');

/** The example mission's scripts, next to a copy of its task file. */
export function withExample(p: Project): void {
  cpSync(path.join(REPO, 'tasks', 'example'), p.file('example'), { recursive: true });
  cpSync(path.join(REPO, 'tasks', 'example_mission.md'), p.file('task.md'));
}

/** Cancels whatever a failed test left of a run, so it does not hold the test cluster. */
export function cancelRun(runId: string | undefined): void {
  if (!runId) return;
  const ids = live(jobsOfRun(runId)).map((j) => j.id);
  if (ids.length) spawnSync('scancel', ids);
}

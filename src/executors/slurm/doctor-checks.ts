// `aura doctor`'s Slurm verdicts: pure functions from what a probe saw to ok / warn / fail, each with
// a one-line fix when not ok (the probes are in doctor-probes.ts).
import type { Check } from '../../doctor/checks.js';
import { firstLine } from '../../doctor/checks.js';

const ok = (id: string, name: string, detail: string): Check => ({ id, name, status: 'ok', detail });
const warn = (id: string, name: string, detail: string, fix: string): Check => ({ id, name, status: 'warn', detail, fix });
const fail = (id: string, name: string, detail: string, fix: string): Check => ({ id, name, status: 'fail', detail, fix });

export const REQUIRED = ['sbatch', 'squeue', 'scancel', 'scontrol', 'sstat'] as const;

export function notUsedVerdict(): Check {
  return ok('slurm', 'slurm', 'not used (AURA_EXECUTOR=local; `AURA_EXECUTOR=slurm aura doctor` checks a cluster)');
}

export interface CommandsProbe {
  /** Where each command was found on PATH, null when it was not. */
  found: Record<string, string | null>;
  version: string | null;
}

export function commandsVerdict(p: CommandsProbe): Check {
  const missing = REQUIRED.filter((c) => !p.found[c]);
  if (missing.length) {
    return fail('slurm.commands', 'slurm commands', `${missing.join(', ')} not found on PATH`, "install Slurm's client commands on this machine (Debian: apt-get install slurm-client), or set AURA_EXECUTOR=local");
  }
  const where = [...new Set(REQUIRED.map((c) => (p.found[c] as string).replace(/\/[^/]+$/, '')))].join(', ');
  const sacct = p.found.sacct ? 'sacct too' : 'no sacct (finished jobs are read from scontrol)';
  return ok('slurm.commands', 'slurm commands', `${p.version ?? 'version unknown'}; ${REQUIRED.join(', ')} in ${where}; ${sacct}`);
}

export type ControllerProbe =
  | { kind: 'skipped'; reason: string }
  | { kind: 'answered'; ping: string; accounting: string | null; minJobAgeS: number | null; pollSeconds: number }
  | { kind: 'down'; said: string };

export function controllerVerdict(p: ControllerProbe): Check {
  const id = 'slurm.controller';
  const name = 'slurm controller';
  if (p.kind === 'skipped') return warn(id, name, `not checked: ${p.reason}`, 'fix the Slurm commands first (see above)');
  if (p.kind === 'down') return fail(id, name, `does not answer: ${firstLine(p.said) || 'no output'}`, 'start slurmctld, or point SLURM_CONF at the cluster\'s slurm.conf; `scontrol ping` must say UP');
  const acct = p.accounting === null ? 'accounting unknown' : p.accounting === 'accounting_storage/none' ? 'no accounting (finished jobs from scontrol)' : `accounting: ${p.accounting}`;
  const detail = `${firstLine(p.ping)}; ${acct}; MinJobAge ${p.minJobAgeS ?? '?'} s`;
  if (p.accounting === 'accounting_storage/none' && p.minJobAgeS !== null && p.minJobAgeS < 2 * p.pollSeconds) {
    return warn(id, name, detail, `finished jobs leave the controller within MinJobAge, shorter than two polls: raise MinJobAge or lower AURA_SLURM_POLL_SECONDS (aura then reads only the exit records)`);
  }
  return ok(id, name, detail);
}

export type SharedProbe =
  | { kind: 'skipped'; reason: string }
  | { kind: 'wrote'; node: string; dir: string; seconds: number }
  | { kind: 'not-seen'; dir: string; node: string | null; output: string }
  | { kind: 'refused'; said: string }
  | { kind: 'timeout'; seconds: number; dir: string };

export function sharedVerdict(p: SharedProbe): Check {
  const id = 'slurm.shared';
  const name = 'shared filesystem';
  switch (p.kind) {
    case 'skipped':
      return warn(id, name, `not checked: ${p.reason}`, 'fix the checks above first');
    case 'wrote':
      return ok(id, name, `a job on ${p.node} wrote to ${p.dir} and aura read it (${p.seconds.toFixed(1)} s)`);
    case 'not-seen': {
      const said = firstLine(p.output);
      return fail(
        id,
        name,
        `a probe job${p.node ? ` on ${p.node}` : ''} ran, but its file never appeared in ${p.dir}${said ? `: ${said}` : ''}`,
        'put the project on a filesystem every node mounts at the same path (and Node at the same path as here), or use AURA_EXECUTOR=local',
      );
    }
    case 'refused':
      return fail(id, name, `sbatch refused the probe job: ${firstLine(p.said)}`, 'check AURA_SLURM_PARTITION, AURA_SLURM_ACCOUNT and AURA_SLURM_SBATCH_ARGS');
    case 'timeout':
      return warn(id, name, `the probe job did not run within ${p.seconds} s (still queued?); ${p.dir} is unchecked`, 'run `aura doctor` again when the cluster is less busy, or check `squeue -u $USER`');
  }
}

// What a job asks Slurm for, from what aura already knows: the task's budget (--time), its `mem:`,
// `cpus:`, `gpus:` keys or the worker limits (--mem from AURA_WORKER_MAX_SYSTEM_MEMORY_GB), and the
// cluster settings (--partition, --account, extra flags). Pure and table-tested.
import type { Config } from '../../config/schema.js';
import { GIB } from '../../watchdog/limits.js';
import { SlurmError } from './errors.js';
import { parseMemSetting } from './units.js';

export interface TaskResources {
  memBytes: number | null;
  cpus: number | null;
  gpus: number | null;
}

type SlurmConfig = Pick<Config, 'AURA_WORKER_MAX_SYSTEM_MEMORY_GB'>;

/** The task's own keys win; without `mem:` the worker memory limit (when set) becomes --mem. */
export function taskResources(extra: Readonly<Record<string, string>>, config: SlurmConfig): TaskResources {
  const mem = extra.mem !== undefined ? parseMemSetting(extra.mem) : null;
  if (extra.mem !== undefined && mem === null) {
    throw new SlurmError('SLURM_BAD_SETTING', `mem: "${extra.mem}" is not a size`, 'write it like 512M, 2G or 1.5GB');
  }
  return {
    memBytes: mem ?? (config.AURA_WORKER_MAX_SYSTEM_MEMORY_GB > 0 ? Math.round(config.AURA_WORKER_MAX_SYSTEM_MEMORY_GB * GIB) : null),
    cpus: count(extra, 'cpus', 1),
    gpus: count(extra, 'gpus', 0),
  };
}

function count(extra: Readonly<Record<string, string>>, key: 'cpus' | 'gpus', min: number): number | null {
  const raw = extra[key];
  if (raw === undefined) return null;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > 4096) {
    throw new SlurmError('SLURM_BAD_SETTING', `${key}: "${raw}" is not a whole number from ${min} to 4096`, `write ${key}: 4, say`);
  }
  return Number(raw);
}

/**
 * Shell-like words: blanks separate, single and double quotes group, a backslash escapes the next
 * character. An unclosed quote is an error rather than a guess.
 */
export function splitWords(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < raw.length) cur += raw[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < raw.length) {
      cur += raw[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new SlurmError('SLURM_BAD_SETTING', `AURA_SLURM_SBATCH_ARGS has an unclosed ${quote} quote`, 'close the quote, or drop it');
  if (inWord) out.push(cur);
  return out;
}

/** Flags aura sets itself, and where to set what they would have changed instead. */
const OWNED: Array<{ flags: string[]; use: string }> = [
  { flags: ['-J', '--job-name'], use: 'aura names every job (aura-<run>-<task>-<attempt>) to find it again' },
  { flags: ['-o', '--output', '-e', '--error', '--open-mode'], use: "aura keeps the job's output in the attempt directory" },
  { flags: ['-D', '--chdir'], use: 'jobs run in the project directory' },
  { flags: ['--export', '--export-file', '--get-user-env'], use: "the job's environment is the worker's allowlisted one" },
  { flags: ['--parsable', '-W', '--wait', '--wrap', '-a', '--array', '--requeue', '--no-requeue', '--signal'], use: 'aura needs one plain batch job per attempt' },
  { flags: ['-t', '--time'], use: "use the task's budget: key (or AURA_TASK_BUDGET)" },
  { flags: ['--mem', '--mem-per-cpu', '--mem-per-gpu'], use: "use the task's mem: key (or AURA_WORKER_MAX_SYSTEM_MEMORY_GB)" },
  { flags: ['-c', '--cpus-per-task'], use: "use the task's cpus: key" },
  { flags: ['--gres', '-G', '--gpus'], use: "use the task's gpus: key" },
  { flags: ['-p', '--partition'], use: 'use AURA_SLURM_PARTITION' },
  { flags: ['-A', '--account'], use: 'use AURA_SLURM_ACCOUNT' },
];

/** AURA_SLURM_SBATCH_ARGS as words, every one checked: a flag aura owns is refused with where to set it. */
export function extraArgs(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const words = splitWords(raw);
  for (const w of words) {
    if (!w.startsWith('-')) continue;
    const flag = w.startsWith('--') ? w.split('=')[0]! : w.slice(0, 2);
    const owned = OWNED.find((o) => o.flags.includes(flag));
    if (owned) throw new SlurmError('SLURM_BAD_SETTING', `AURA_SLURM_SBATCH_ARGS sets ${flag}, which aura sets itself`, `remove it: ${owned.use}`);
  }
  return words;
}

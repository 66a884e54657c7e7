// Parsers for the machine-readable output of sbatch, squeue, sacct, scontrol and sstat, in exactly
// the formats argv.ts asks for. Pure. A line that does not have the asked-for shape is reported (with
// the command named), never guessed at: a wrong guess could end a job that is still running.
import { SlurmError } from './errors.js';
import { parseDuration, parseSize, parseSlurmTime } from './units.js';

function unparsable(command: string, what: string, line: string): SlurmError {
  const shown = line.length > 160 ? `${line.slice(0, 159)}…` : line;
  return new SlurmError(
    'SLURM_UNPARSABLE',
    `${command} printed something aura cannot read (${what}): ${JSON.stringify(shown)}`,
    `check that ${command.split(' ')[0]} on PATH is Slurm's (aura reads Slurm 20.11 or later); \`aura doctor\` shows which one is used`,
  );
}

const lines = (text: string) => text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');

/** `sbatch --parsable`: `<jobid>` or `<jobid>;<cluster>` on the last line. */
export function parseSbatch(stdout: string): { jobId: string; cluster: string | null } {
  const last = lines(stdout).pop() ?? '';
  const m = /^(\d+)(?:;(\S+))?$/.exec(last.trim());
  if (!m) throw unparsable('sbatch --parsable', 'expected a job id', last);
  return { jobId: m[1]!, cluster: m[2] ?? null };
}

export interface QueueRow {
  jobId: string;
  state: string;
  reason: string;
  startMs: number | null;
  endMs: number | null;
  cpus: number | null;
  nodes: string;
  timeLimitS: number | null;
  name: string;
}

/** `squeue -h -o SQUEUE_FORMAT`: 9 fields, the name last (rejoined if it held a `|`). */
export function parseSqueue(stdout: string): QueueRow[] {
  return lines(stdout).map((line) => {
    const f = line.split('|');
    if (f.length < 9) throw unparsable('squeue -h -o', 'expected 9 |-separated fields', line);
    const [jobId, state, reason, start, end, cpus, nodes, limit] = f as [string, string, string, string, string, string, string, string];
    if (!/^\d+(_\d+)?$/.test(jobId) || !/^[A-Z_]+$/.test(state)) throw unparsable('squeue -h -o', 'expected a job id and a state', line);
    return {
      jobId,
      state,
      reason,
      startMs: parseSlurmTime(start),
      endMs: parseSlurmTime(end),
      cpus: /^\d+$/.test(cpus) ? Number(cpus) : null,
      nodes,
      timeLimitS: parseDuration(limit),
      name: f.slice(8).join('|'),
    };
  });
}

export interface AcctRecord {
  jobId: string;
  name: string;
  /** The state word alone: `CANCELLED` of `CANCELLED by 1000`. */
  state: string;
  /** Who cancelled it (uid), when sacct says. */
  cancelledBy: string | null;
  exitCode: number | null;
  signal: number | null;
  /** Highest MaxRSS over the job's steps, bytes. */
  maxRssBytes: number | null;
  reqMemBytes: number | null;
  nodes: string;
}

/** `ExitCode=2:0` / `0:9`: the exit status and the signal that ended it. */
export function parseExitCode(raw: string): { code: number; signal: number } | null {
  const m = /^(\d+):(\d+)$/.exec(raw.trim());
  return m ? { code: Number(m[1]), signal: Number(m[2]) } : null;
}

/** `sacct -P -n -o SACCT_FIELDS`: one record per job, its steps folded in (MaxRSS). */
export function parseSacct(stdout: string): AcctRecord[] {
  const jobs = new Map<string, AcctRecord>();
  const stepRss = new Map<string, number>();
  for (const line of lines(stdout)) {
    const f = line.split('|');
    if (f.length < 9) throw unparsable('sacct -P -n', 'expected 9 |-separated fields', line);
    const [id, stateRaw, exit, maxRss, reqMem, , , nodes] = f as [string, string, string, string, string, string, string, string];
    const m = /^(\d+)(?:\.(.+))?$/.exec(id);
    if (!m) throw unparsable('sacct -P -n', 'expected a job id', line);
    const jobId = m[1]!;
    const rss = maxRss ? parseSize(maxRss) : null;
    if (rss !== null) stepRss.set(jobId, Math.max(stepRss.get(jobId) ?? 0, rss));
    if (m[2] !== undefined) continue; // a step: only its MaxRSS matters
    const st = /^([A-Z_]+)\+?(?: by (\d+))?/.exec(stateRaw.trim());
    if (!st) throw unparsable('sacct -P -n', 'expected a job state', line);
    const ec = parseExitCode(exit);
    jobs.set(jobId, {
      jobId,
      name: f.slice(8).join('|'),
      state: st[1]!,
      cancelledBy: st[2] ?? null,
      exitCode: ec?.code ?? null,
      signal: ec?.signal ?? null,
      maxRssBytes: null,
      reqMemBytes: reqMem ? parseSize(reqMem, 'M') : null,
      nodes,
    });
  }
  for (const r of jobs.values()) r.maxRssBytes = stepRss.get(r.jobId) ?? null;
  return [...jobs.values()];
}

/**
 * One line of `scontrol -o show job`: `Key=Value` pairs separated by spaces. A value may itself hold
 * spaces (a command with arguments), so a pair starts only where ` Key=` does.
 */
export function parseScontrolLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(?:^|\s)([A-Za-z][A-Za-z0-9_:/]*)=/g;
  const starts: Array<{ key: string; at: number; valueAt: number }> = [];
  for (let m = re.exec(line); m; m = re.exec(line)) starts.push({ key: m[1]!, at: m.index, valueAt: m.index + m[0].length });
  starts.forEach((s, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.at : line.length;
    if (!(s.key in out)) out[s.key] = line.slice(s.valueAt, end).trim();
  });
  return out;
}

/** `scontrol -o show job` (all jobs): the same records sacct gives, as far as the controller knows them. */
export function parseScontrolJobs(stdout: string): AcctRecord[] {
  const out: AcctRecord[] = [];
  for (const line of lines(stdout)) {
    if (/^No jobs in the system/i.test(line.trim())) continue;
    const kv = parseScontrolLine(line);
    if (!kv.JobId || !/^\d+$/.test(kv.JobId) || !kv.JobState) throw unparsable('scontrol -o show job', 'expected JobId= and JobState=', line);
    const ec = parseExitCode(kv.ExitCode ?? '');
    const mem = kv.MinMemoryNode ?? null;
    out.push({
      jobId: kv.JobId,
      name: kv.JobName ?? '',
      state: kv.JobState,
      cancelledBy: null,
      exitCode: ec?.code ?? null,
      signal: ec?.signal ?? null,
      maxRssBytes: null,
      reqMemBytes: mem ? parseSize(mem, 'M') : null,
      nodes: kv.NodeList ?? '',
    });
  }
  return out;
}

export interface StepUsage {
  /** CPU time used so far by the job's steps, seconds. */
  cpuSeconds: number;
  /** Resident memory now, summed over the steps, bytes. */
  rssBytes: number;
  /** Highest resident memory seen (MaxRSS), bytes. */
  maxRssBytes: number;
}

/** `TRESUsageInTot`: `cpu=00:00:05,energy=0,fs/disk=15217,mem=4796K,...`. */
export function parseTres(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

/** `sstat -a -P -n -o SSTAT_FIELDS`: usage per job, its running steps added up. Error lines go to stderr. */
export function parseSstat(stdout: string): Map<string, StepUsage> {
  const out = new Map<string, StepUsage>();
  for (const line of lines(stdout)) {
    const f = line.split('|');
    const m = /^(\d+)\.(.+)$/.exec(f[0] ?? '');
    if (f.length < 3 || !m) throw unparsable('sstat -P -n', 'expected <job>.<step>|TRES|MaxRSS', line);
    const tres = parseTres(f[1]!);
    const cpu = tres.cpu !== undefined ? parseDuration(tres.cpu) : null;
    const mem = tres.mem !== undefined ? parseSize(tres.mem) : null;
    const max = f[2] ? parseSize(f[2]) : null;
    const prev = out.get(m[1]!) ?? { cpuSeconds: 0, rssBytes: 0, maxRssBytes: 0 };
    out.set(m[1]!, {
      cpuSeconds: prev.cpuSeconds + (cpu ?? 0),
      rssBytes: prev.rssBytes + (mem ?? 0),
      maxRssBytes: prev.maxRssBytes + (max ?? 0),
    });
  }
  return out;
}

/** slurmstepd's note when jobacct_gather's OverMemoryKill ended a step: `exceeded memory limit (191963136 > 104857600)`. */
export function parseMemoryKill(slurmOut: string): { usedBytes: number; limitBytes: number } | null {
  const m = /exceeded memory limit \((\d+) > (\d+)\)/.exec(slurmOut);
  return m ? { usedBytes: Number(m[1]), limitBytes: Number(m[2]) } : null;
}

// `aura doctor`'s Slurm probes: the commands on PATH, the controller, and a real job that writes a
// file into the project directory (aura reads a job's records from there, so the nodes must share
// it). Each result goes through a pure verdict in doctor-checks.ts.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import type { Check } from '../../doctor/checks.js';
import { runCommand, type RunCommand } from '../../util/run-command.js';
import { which } from '../../workers/registry.js';
import { scancelByNameArgv } from './argv.js';
import { commandsVerdict, controllerVerdict, notUsedVerdict, REQUIRED, sharedVerdict, type SharedProbe } from './doctor-checks.js';
import { extraArgs } from './resources.js';
import { shellQuote } from './script.js';

export interface SlurmDoctorContext {
  projectDir: string;
  env: NodeJS.ProcessEnv;
  config: Config | null;
  run?: RunCommand;
  /** How long the probe job may take, queue time included. */
  probeTimeoutMs?: number;
}

export async function slurmChecks(ctx: SlurmDoctorContext): Promise<Check[]> {
  if (ctx.config?.AURA_EXECUTOR !== 'slurm') return [notUsedVerdict()];
  const run = ctx.run ?? runCommand;
  const timeoutMs = ctx.config.AURA_SLURM_COMMAND_TIMEOUT * 1000;
  const found = Object.fromEntries([...REQUIRED, 'sacct'].map((c) => [c, which(c, ctx.env)]));
  const v = found.sbatch ? await run([found.sbatch, '--version'], { timeoutMs, env: ctx.env }) : null;
  const commands = commandsVerdict({ found, version: v?.status === 'exit' && v.code === 0 ? v.stdout.trim() : null });
  if (commands.status === 'fail') {
    return [commands, controllerVerdict({ kind: 'skipped', reason: 'no Slurm commands' }), sharedVerdict({ kind: 'skipped', reason: 'no Slurm commands' })];
  }
  const ping = await run(['scontrol', 'ping'], { timeoutMs, env: ctx.env });
  if (ping.status !== 'exit' || ping.code !== 0 || !/is UP/.test(ping.stdout)) {
    const said = ping.status === 'exit' ? ping.stdout + ping.stderr : ping.status === 'timeout' ? `no answer within ${timeoutMs / 1000} s` : ping.status;
    return [commands, controllerVerdict({ kind: 'down', said }), sharedVerdict({ kind: 'skipped', reason: 'the controller does not answer' })];
  }
  const conf = await run(['scontrol', 'show', 'config'], { timeoutMs, env: ctx.env });
  const text = conf.status === 'exit' ? conf.stdout : '';
  const accounting = /^AccountingStorageType\s*=\s*(\S+)/m.exec(text)?.[1] ?? null;
  const age = /^MinJobAge\s*=\s*(\d+)/m.exec(text)?.[1];
  const controller = controllerVerdict({ kind: 'answered', ping: ping.stdout, accounting, minJobAgeS: age ? Number(age) : null, pollSeconds: ctx.config.AURA_SLURM_POLL_SECONDS });
  return [commands, controller, sharedVerdict(await probeJob(ctx, run))];
}

/** Submits a job that writes this host's name into the project directory, and waits for the file. */
async function probeJob(ctx: SlurmDoctorContext, run: RunCommand): Promise<SharedProbe> {
  const config = ctx.config as Config;
  const tag = randomBytes(4).toString('hex');
  const dir = ctx.projectDir;
  const file = path.join(dir, `.aura-slurm-probe-${tag}`);
  const script = `${file}.sh`;
  const out = `${file}.out`;
  const name = `aura-doctor-${tag}`;
  const waitMs = ctx.probeTimeoutMs ?? 120_000;
  await writeFile(script, `#!/bin/sh\n${shellQuote(process.execPath)} -e "require('fs').writeFileSync(process.argv[1], require('os').hostname())" ${shellQuote(file)}\n`, { mode: 0o755 });
  try {
    let extra: string[];
    try {
      extra = extraArgs(config.AURA_SLURM_SBATCH_ARGS);
    } catch (err) {
      return { kind: 'refused', said: err instanceof Error ? err.message : String(err) };
    }
    const argv = [
      'sbatch',
      '--wait',
      '--parsable',
      `--job-name=${name}`,
      `--chdir=${dir}`,
      `--output=${out}`,
      '--time=2',
      ...(config.AURA_SLURM_PARTITION ? [`--partition=${config.AURA_SLURM_PARTITION}`] : []),
      ...(config.AURA_SLURM_ACCOUNT ? [`--account=${config.AURA_SLURM_ACCOUNT}`] : []),
      ...extra,
      script,
    ];
    const t0 = performance.now();
    const r = await run(argv, { timeoutMs: waitMs, env: ctx.env });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status === 'timeout') {
      await run(scancelByNameArgv(name, os.userInfo().username), { timeoutMs: 30_000, env: ctx.env });
      return { kind: 'timeout', seconds: Math.round(waitMs / 1000), dir };
    }
    if (r.status !== 'exit') return { kind: 'refused', said: r.status === 'error' ? r.message : r.status };
    if (!/^\d+/m.test(r.stdout)) return { kind: 'refused', said: r.stderr || r.stdout };
    // A shared filesystem may show another host's write a moment later.
    for (let i = 0; i < 20 && !existsSync(file); i++) await new Promise((res) => setTimeout(res, 250));
    if (!existsSync(file)) return { kind: 'not-seen', dir, node: null, output: existsSync(out) ? readFileSync(out, 'utf8') : r.stderr };
    return { kind: 'wrote', node: readFileSync(file, 'utf8').trim() || 'a node', dir, seconds };
  } finally {
    await Promise.all([file, script, out].map((f) => rm(f, { force: true })));
  }
}

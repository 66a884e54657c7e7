// `aura doctor`'s probes: everything that looks at the machine, run concurrently, each turned into a
// Check by the pure verdicts in checks.ts.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { readLock } from '../store/lock-read.js';
import { layoutFor } from '../store/layout.js';
import { AuraError } from '../util/errors.js';
import { detectCgroup } from '../watchdog/cgroup.js';
import { runCommand, type RunCommand } from '../util/run-command.js';
import { plannerSpends } from '../core/spend.js';
import { backends, isAgentName } from '../workers/agents/index.js';
import { claudeEnv } from '../workers/agents/claude.js';
import { which, workerProblem } from '../workers/registry.js';
import { AGENT_CLIS } from './agents.js';
import { probeApi } from './api.js';
import { slurmChecks } from '../executors/slurm/doctor-probes.js';
import { authStyle } from '../planner/auth-style.js';
import {
  agentVerdict,
  apiVerdict,
  type Check,
  cgroupVerdict,
  type ConfigProbe,
  configVerdict,
  diskVerdict,
  gpuVerdict,
  inotifyVerdict,
  lockVerdict,
  nodeVerdict,
} from './checks.js';
import { claudeAuthVerdict, spendVerdict, workerVerdict } from './worker-checks.js';

export const AGENTS = AGENT_CLIS;
const TOOL_TIMEOUT_MS = 10_000;

export interface DoctorContext {
  projectDir: string;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  cwd: string;
  run?: RunCommand;
  /** Whose permissions a worker would run with (tests pretend to be root or not). */
  uid?: number;
}

function loadConfigProbe(ctx: DoctorContext): { probe: ConfigProbe; config: Config | null } {
  try {
    const { config, warnings } = loadConfig({ projectDir: ctx.projectDir, env: ctx.env, homeDir: ctx.homeDir, flags: {} });
    return { probe: { ok: true, warnings }, config };
  } catch (err) {
    if (err instanceof AuraError && err.code === 'BAD_CONFIG') {
      return { probe: { ok: false, message: err.message, ...(err.hint ? { hint: err.hint } : {}) }, config: null };
    }
    throw err;
  }
}

async function agentCheck(name: (typeof AGENTS)[number], ctx: DoctorContext, config: Config | null): Promise<Check> {
  const b = backends[name];
  const found = which(b.bin, ctx.env);
  const version = found === null ? null : await (ctx.run ?? runCommand)([found, '--version'], { timeoutMs: TOOL_TIMEOUT_MS, env: ctx.env });
  return agentVerdict({ name, bin: b.bin, install: b.install, path: found, version, isDefault: config?.AURA_LAYER2_BACKEND === name });
}

async function apiCheck(config: Config | null, configOk: boolean): Promise<Check> {
  if (!configOk || config === null) return apiVerdict({ kind: 'skipped', reason: 'the configuration is invalid' });
  if (!config.AURA_API_KEY) return apiVerdict({ kind: 'not-configured' });
  return apiVerdict(await probeApi({ baseUrl: config.AURA_API_BASE_URL, apiKey: config.AURA_API_KEY, model: config.AURA_API_MODEL, auth: authStyle(config) }));
}

async function gpuCheck(ctx: DoctorContext): Promise<Check> {
  const found = which('nvidia-smi', ctx.env);
  if (found === null) return gpuVerdict({ found: false });
  const query = await (ctx.run ?? runCommand)([found, '--query-gpu=name', '--format=csv,noheader'], { timeoutMs: TOOL_TIMEOUT_MS, env: ctx.env });
  return gpuVerdict({ found: true, path: found, query });
}

function readNumber(file: string): number | null {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null; // not Linux, or /proc not mounted: reported as unreadable
  }
}

/** The nearest existing directory at or above `dir` (.aura/ may not exist yet). */
function existingAncestor(dir: string): string {
  let d = path.resolve(dir);
  while (!fs.existsSync(d)) {
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return d;
}

function diskCheck(ctx: DoctorContext): Check {
  const at = existingAncestor(layoutFor(ctx.projectDir).root);
  try {
    const s = fs.statfsSync(at);
    return diskVerdict({ path: at, freeBytes: s.bavail * s.bsize });
  } catch (err) {
    return diskVerdict({ path: at, error: err instanceof Error ? err.message : String(err) });
  }
}

async function lockCheck(ctx: DoctorContext): Promise<Check> {
  const layout = layoutFor(ctx.projectDir);
  const rel = path.relative(ctx.cwd, layout.lockFile);
  const display = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : layout.lockFile;
  const r = await readLock(layout);
  return lockVerdict({ lock: r && { pid: r.info.pid, alive: r.alive, startedAt: r.info.startedAt }, display });
}

function workerCheck(ctx: DoctorContext, config: Config | null): Check {
  if (config === null) return workerVerdict({ backend: 'unknown', problem: 'the configuration is invalid (see the config check)', install: null, installed: false, permissionMode: '' });
  const backend = config.AURA_LAYER2_BACKEND;
  const agent = isAgentName(backend) ? backends[backend] : null;
  const problem = backend === 'shell' ? null : workerProblem({}, config, ctx.env, ctx.uid ?? process.getuid?.() ?? -1);
  return workerVerdict({
    backend,
    problem,
    install: agent && backend !== 'custom' ? agent.install : null,
    installed: agent?.bin ? which(agent.bin, ctx.env) !== null : true,
    permissionMode: config.AURA_CLAUDE_PERMISSION_MODE,
  });
}

/** Asks claude itself, with the environment a claude worker gets (an allowlist: no AURA_* keys). */
async function claudeAuthCheck(ctx: DoctorContext, config: Config | null): Promise<Check | null> {
  const found = which(backends.claude.bin, ctx.env);
  if (found === null) return null; // the agent.claude check already says it is missing
  const run = await (ctx.run ?? runCommand)([found, 'auth', 'status', '--json'], { timeoutMs: TOOL_TIMEOUT_MS, env: claudeEnv(ctx.env) });
  return claudeAuthVerdict({ run, auraKeySet: !!config?.AURA_API_KEY });
}

function spendCheck(config: Config | null): Check | null {
  if (config === null) return null;
  const b = config.AURA_LAYER2_BACKEND;
  return spendVerdict({
    agent: b === 'shell' ? null : b,
    planner: plannerSpends(config),
    usd: config.AURA_RUN_BUDGET_USD,
    tokens: config.AURA_RUN_TOKEN_BUDGET,
  });
}

/** A check's id without running it: what `aura init` selects by. */
export type CheckId = string;

/**
 * Every check, in report order, or only those `only` accepts (checked before probing, so an
 * unselected check costs nothing: no process, no network).
 */
export async function runChecks(ctx: DoctorContext, only: (id: CheckId) => boolean = () => true): Promise<Check[]> {
  const { probe: cfg, config } = loadConfigProbe(ctx);
  const want = <T>(id: CheckId, f: () => T): T | null => (only(id) ? f() : null);
  const [agents, api, gpu, cgroup, lock, auth, slurm] = await Promise.all([
    Promise.all(AGENTS.filter((a) => only(`agent.${a}`)).map((a) => agentCheck(a, ctx, config))),
    want('api', () => apiCheck(config, cfg.ok)),
    want('gpu', () => gpuCheck(ctx)),
    want('cgroup', () => detectCgroup()),
    want('lock', () => lockCheck(ctx)),
    want('auth.claude', () => claudeAuthCheck(ctx, config)),
    // The Slurm executor (issue 18): commands, controller, and a probe job on the shared filesystem.
    want('slurm', () => slurmChecks({ projectDir: ctx.projectDir, env: ctx.env, config, ...(ctx.run ? { run: ctx.run } : {}) })),
  ]);
  const checks: Array<Check | null> = [
    want('node', () => nodeVerdict(process.versions.node)),
    want('config', () => configVerdict(cfg)),
    ...agents,
    want('worker', () => workerCheck(ctx, config)),
    auth,
    want('spend', () => spendCheck(config)),
    api,
    gpu,
    cgroup && cgroupVerdict(cgroup, config?.AURA_WORKER_CGROUP_SCOPES === true),
    want('inotify', () =>
      inotifyVerdict({
        watches: readNumber('/proc/sys/fs/inotify/max_user_watches'),
        instances: readNumber('/proc/sys/fs/inotify/max_user_instances'),
      }),
    ),
    want('disk', () => diskCheck(ctx)),
    lock,
    ...(slurm ?? []),
  ];
  return checks.filter((c): c is Check => c !== null);
}

// `aura doctor`'s probes: everything that looks at the machine, run concurrently, each turned into a
// Check by the pure verdicts in checks.ts.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { readLock } from '../store/lock.js';
import { layoutFor } from '../store/layout.js';
import { AuraError } from '../util/errors.js';
import { detectCgroup } from '../watchdog/cgroup.js';
import { runCommand, type RunCommand } from '../watchdog/run-command.js';
import { backends } from '../workers/agents/index.js';
import { which } from '../workers/registry.js';
import { probeApi } from './api.js';
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

export const AGENTS = ['claude', 'codex', 'opencode', 'gemini'] as const;
const TOOL_TIMEOUT_MS = 10_000;

export interface DoctorContext {
  projectDir: string;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  cwd: string;
  run?: RunCommand;
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

/** Every check, in report order. */
export async function runChecks(ctx: DoctorContext): Promise<Check[]> {
  const { probe: cfg, config } = loadConfigProbe(ctx);
  const [agents, api, gpu, cgroup, lock] = await Promise.all([
    Promise.all(AGENTS.map((a) => agentCheck(a, ctx, config))),
    apiCheck(config, cfg.ok),
    gpuCheck(ctx),
    detectCgroup(),
    lockCheck(ctx),
  ]);
  return [
    nodeVerdict(process.versions.node),
    configVerdict(cfg),
    ...agents,
    api,
    gpu,
    cgroupVerdict(cgroup, config?.AURA_WORKER_CGROUP_SCOPES === true),
    inotifyVerdict({
      watches: readNumber('/proc/sys/fs/inotify/max_user_watches'),
      instances: readNumber('/proc/sys/fs/inotify/max_user_instances'),
    }),
    diskCheck(ctx),
    lock,
  ];
}

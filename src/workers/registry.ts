// Which worker runs a task, and whether one can. A task with `run:` gets the shell worker; any other
// task gets its `worker:` or AURA_LAYER2_BACKEND. A worker that cannot run (binary missing, root
// without IS_SANDBOX for claude, no command) is a problem stated in words, and the task is blocked
// with it instead of failing again and again.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { TaskState } from '../store/schema.js';
import { backends } from './agents/index.js';
import type { AgentBackend, AgentSettings, ExitInfo, Outcome, StreamSummary } from './agents/types.js';
import { workerEnv } from './shell.js';

export type Backend = 'claude' | 'codex' | 'opencode' | 'gemini' | 'shell' | 'custom';

export interface CommandRequest {
  prompt: string;
  projectDir: string;
  attemptDir: string;
  run?: string;
  parentEnv: NodeJS.ProcessEnv;
}

export interface ResolvedWorker {
  name: string;
  command(r: CommandRequest): { argv: string[]; env: NodeJS.ProcessEnv };
  /** Agents: how the run ended according to its stream. Shell workers: undefined (exit code only). */
  classify?: (summary: StreamSummary, exit: ExitInfo, stopReason: string | null) => Outcome;
  /** Agents clean up their own tool processes on SIGTERM, so only the root gets it first. */
  termRootOnly: boolean;
}

export function backendName(t: Pick<TaskState, 'run' | 'worker'>, config: Pick<Config, 'AURA_LAYER2_BACKEND'>): string {
  return t.run ? 'shell' : (t.worker ?? config.AURA_LAYER2_BACKEND);
}

/** Finds an executable on PATH the way a shell would. */
export function which(bin: string, env: NodeJS.ProcessEnv): string | null {
  if (bin.includes('/')) return canExec(bin) ? bin : null;
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const p = path.join(dir, bin);
    if (canExec(p)) return p;
  }
  return null;
}

function canExec(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false; // not there or not executable: either way not runnable
  }
}

function settingsFrom(config: Config): AgentSettings {
  return {
    maxTurns: config.AURA_MAX_TURNS,
    permissionMode: config.AURA_CLAUDE_PERMISSION_MODE,
    ...(config.AURA_AGENT_MODEL ? { model: config.AURA_AGENT_MODEL } : {}),
    ...(config.AURA_TASK_BUDGET_USD > 0 ? { maxBudgetUsd: config.AURA_TASK_BUDGET_USD } : {}),
    ...(config.AURA_CUSTOM_WORKER_COMMAND ? { template: config.AURA_CUSTOM_WORKER_COMMAND } : {}),
  };
}

const SHELL: ResolvedWorker = {
  name: 'shell',
  command: (r) => ({ argv: ['/bin/sh', '-c', r.run ?? ''], env: workerEnv(r.parentEnv) }),
  termRootOnly: false,
};

function agentWorker(b: AgentBackend, config: Config): ResolvedWorker {
  const settings = settingsFrom(config);
  return {
    name: b.name,
    command: (r) => {
      const input = { prompt: r.prompt, projectDir: r.projectDir, attemptDir: r.attemptDir, settings };
      // A backend's argv is its arguments; the custom template carries its own program first.
      const args = b.argv(input);
      return { argv: b.bin ? [b.bin, ...args] : args, env: b.env(r.parentEnv, input) };
    },
    classify: (s, e, stop) => b.classify(s, e, stop),
    termRootOnly: true,
  };
}

export function resolveWorker(
  t: Pick<TaskState, 'run' | 'worker'>,
  config: Config,
  env: NodeJS.ProcessEnv,
  uid: number,
): ResolvedWorker | { problem: string } {
  const name = backendName(t, config);
  if (name === 'shell') {
    return t.run ? SHELL : { problem: 'the shell worker needs a command: add a `run:` setting to this task' };
  }
  const b = (backends as Record<string, AgentBackend | undefined>)[name];
  if (!b) return { problem: `unknown worker "${name}": use one of claude, codex, opencode, gemini, shell, custom` };
  if (name === 'custom' && !config.AURA_CUSTOM_WORKER_COMMAND) {
    return { problem: 'the custom worker needs AURA_CUSTOM_WORKER_COMMAND (an argv template such as `mytool --prompt {prompt}`)' };
  }
  const worker = agentWorker(b, config);
  const bin = name === 'custom' ? (worker.command({ prompt: '', projectDir: '.', attemptDir: '.', parentEnv: env }).argv[0] ?? '') : b.bin;
  if (!which(bin, env)) return { problem: `${bin} is not installed (not found on PATH); install it with \`${b.install}\`` };
  const probe = worker.command({ prompt: 'probe', projectDir: '.', attemptDir: '.', parentEnv: env });
  const pre = b.preflight({ uid, env: probe.env, argv: probe.argv });
  return pre ? { problem: pre } : worker;
}

export function workerProblem(t: Pick<TaskState, 'run' | 'worker'>, config: Config, env: NodeJS.ProcessEnv, uid: number): string | null {
  const r = resolveWorker(t, config, env, uid);
  return 'problem' in r ? r.problem : null;
}

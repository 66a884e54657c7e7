// The doctor's verdicts about running agents safely: can the configured worker start, is Claude
// Code logged in (as the worker will see it), and is there a spend cap. Pure, like checks.ts.
import { spendCapOf, spendLine, spendWarning } from '../core/spend.js';
import { type Check, firstLine, type VersionRun } from './checks.js';

const ok = (id: string, name: string, detail: string): Check => ({ id, name, status: 'ok', detail });
const warn = (id: string, name: string, detail: string, fix: string): Check => ({ id, name, status: 'warn', detail, fix });

// ── the configured worker ──

export interface WorkerProbe {
  /** AURA_LAYER2_BACKEND: what tasks without `run:` use. */
  backend: string;
  /** Why it cannot start (not installed, root without IS_SANDBOX, no custom command); null when it can. */
  problem: string | null;
  /** The install command, for a backend that has one. */
  install: string | null;
  installed: boolean;
  permissionMode: string;
}

/**
 * What an unattended agent may do, said plainly: this is the safety fact people need first. The one
 * setting maps to every agent (codex: --sandbox danger-full-access, gemini: yolo, opencode: --auto).
 */
function powers(p: WorkerProbe): string {
  return p.permissionMode === 'bypassPermissions'
    ? 'runs with bypassPermissions (AURA_CLAUDE_PERMISSION_MODE): it may change any file and run any command this user can'
    : `runs with permission mode ${p.permissionMode} (AURA_CLAUDE_PERMISSION_MODE)`;
}

export function workerVerdict(p: WorkerProbe): Check {
  const id = 'worker';
  const name = 'worker';
  const which = `${p.backend} (AURA_LAYER2_BACKEND)`;
  if (p.backend === 'shell') return ok(id, name, `${which}: every task needs a run: command; tasks without one are blocked`);
  if (p.problem === null) return ok(id, name, `${which} can start; it ${powers(p)}`);
  if (!p.installed && p.install) return warn(id, name, `${which} is not installed: tasks without run: will be blocked`, p.install);
  return warn(id, name, `${which} cannot start: ${p.problem}`, 'fix what the message says, or set AURA_LAYER2_BACKEND to a worker that can start');
}

// ── Claude Code's login ──

/** `claude auth status` (JSON), run with the environment a claude worker gets. */
export interface ClaudeAuthProbe {
  run: VersionRun;
  /** The planner's key is set: people often expect it to log the workers in too. */
  auraKeySet: boolean;
}

interface AuthStatus {
  loggedIn?: unknown;
  authMethod?: unknown;
  apiKeySource?: unknown;
}

const LOGIN_FIX = 'run `claude auth login` (or `claude`, then /login), or export ANTHROPIC_API_KEY in the shell you start aura from';

/** The JSON `claude auth status` prints (it exits 1 when not logged in, still printing it). */
function parseAuth(r: VersionRun): AuthStatus | null {
  if (r.status !== 'exit') return null;
  try {
    const s = JSON.parse(r.stdout) as AuthStatus;
    return typeof s === 'object' && s !== null && typeof s.loggedIn === 'boolean' ? s : null;
  } catch {
    return null; // an older claude without `auth status`, or a wrapper printing something else
  }
}

export function claudeAuthVerdict(p: ClaudeAuthProbe): Check {
  const id = 'auth.claude';
  const name = 'claude login';
  const r = p.run;
  const s = parseAuth(r);
  if (s === null) {
    const why =
      r.status === 'exit'
        ? `exit ${r.code ?? 'by signal'}${firstLine(r.stderr || r.stdout) ? `: ${firstLine(r.stderr || r.stdout)}` : ''}`
        : r.status === 'timeout'
          ? 'no answer within 10 s'
          : r.status === 'missing'
            ? 'not found'
            : r.message;
    return warn(id, name, `could not tell (claude auth status: ${why})`, LOGIN_FIX);
  }
  if (s.loggedIn === true) {
    const how = typeof s.apiKeySource === 'string' ? s.apiKeySource : typeof s.authMethod === 'string' ? s.authMethod : 'logged in';
    return ok(id, name, `logged in (${how}), as a claude worker will see it`);
  }
  const aura = p.auraKeySet ? "; AURA_API_KEY is the planner's key and never reaches workers" : '';
  return warn(id, name, `not logged in and no ANTHROPIC_API_KEY: claude workers would fail${aura}`, LOGIN_FIX);
}

// ── spend cap ──

export interface SpendProbe {
  /** The configured agent backend, or null when tasks without run: cannot use one (shell). */
  agent: string | null;
  planner: boolean;
  usd: number;
  tokens: number;
}

export function spendVerdict(p: SpendProbe): Check {
  const cap = spendCapOf({ agents: p.agent ? [p.agent] : [], planner: p.planner, usd: p.usd, tokens: p.tokens });
  const warning = spendWarning(cap);
  if (warning) {
    const fix = cap.uncapped.every((s) => s === 'custom')
      ? 'limit spending in the custom command itself: aura sees no usage from it'
      : cap.usd !== null
        ? 'also set AURA_RUN_TOKEN_BUDGET, in .env or ~/.aura/config.env'
        : 'e.g. AURA_RUN_BUDGET_USD=5 in .env or ~/.aura/config.env (or aura start --set AURA_RUN_BUDGET_USD=5)';
    return warn('spend', 'spend cap', warning, fix);
  }
  return ok('spend', 'spend cap', spendLine(cap) ?? 'nothing spends: shell workers and the rules planner');
}

// OpenAI Codex (`codex exec`) as an unattended worker. Facts (0.169.0, run against a scripted
// Responses API server):
// - `-a` and `--full-auto` are rejected by exec (exit 2), so approvals are `-c approval_policy="never"`;
//   outside a git repo `--skip-git-repo-check` is needed; with a piped stdin it waits for EOF, so the
//   runner gives it none. turn.completed → exit 0, turn.failed → exit 1.
// - An unreachable provider is retried forever ("Reconnecting... waiting for network", a feature
//   called unbounded_connection_retries): its events look like life to the stall detector, so aura
//   turns it off and codex gives up after its own retries; aura retries the attempt later.
// - OPENAI_BASE_URL is ignored; a local or proxied endpoint is a model provider in
//   $CODEX_HOME/config.toml, whose env_key must be an OPENAI_* or CODEX_* variable to pass the allowlist.
// - A 401 is retried by codex too (5 times) before turn.failed; an HTTP 429 is retried at its
//   Retry-After, and when codex gives up the time is gone ("exceeded retry limit, last status: 429").
// - No turn or spending limit exists in exec: AURA_MAX_TURNS and AURA_TASK_BUDGET_USD do not apply.
import { codexParser } from './codex-stream.js';
import { pickEnv } from './env.js';
import { httpOutcome, killed, noResult, startupFailure } from './outcome.js';
import type { AgentBackend, CommandInput, ExitInfo, Outcome, StreamSummary } from './types.js';

/** Where the provider key lives, for a message when it is refused. */
export const CODEX_KEYS = 'OPENAI_API_KEY or CODEX_API_KEY (or the env_key of your model provider in $CODEX_HOME/config.toml)';

/** aura's permission mode → codex's sandbox. Unattended bypass means no sandbox, as for claude. */
const SANDBOX: Record<string, string> = {
  bypassPermissions: 'danger-full-access',
  'danger-full-access': 'danger-full-access',
  'workspace-write': 'workspace-write',
  'read-only': 'read-only',
  plan: 'read-only',
};

export function codexSandbox(permissionMode: string): string {
  return SANDBOX[permissionMode] ?? 'workspace-write';
}

export function codexArgv(input: CommandInput): string[] {
  const s = input.settings;
  return [
    'exec',
    '--json',
    '--skip-git-repo-check',
    // aura keeps the record (output.jsonl); no session files piling up in ~/.codex per attempt.
    '--ephemeral',
    '--disable',
    'unbounded_connection_retries',
    '-c',
    'approval_policy="never"',
    '--sandbox',
    codexSandbox(s.permissionMode),
    ...(s.model ? ['-m', s.model] : []),
    '-C',
    input.projectDir,
    // `--` so a brief that starts with "-" stays the prompt.
    '--',
    input.prompt,
  ];
}

export function codexEnv(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return pickEnv(parent, { prefixes: ['OPENAI_', 'CODEX_'] });
}

/** codex's words for a billing quota (OpenAI's insufficient_quota): a 429 that waiting does not fix. */
const QUOTA = /^Quota exceeded\b/i;
/** codex's words when nothing answered at the provider's address. */
const UNREACHABLE = /Connection failed|error sending request|failed to lookup address/i;

export function codexClassify(s: StreamSummary, exit: ExitInfo, stopReason: string | null): Outcome {
  if (stopReason) return killed(stopReason);
  const r = s.result;
  if (!r) return startupFailure('codex', s, exit) ?? noResult('codex', s, exit);
  if (r.ok) {
    if (exit.code === 0) return { kind: 'success', message: `codex says it finished${s.lastText ? `: ${s.lastText.slice(0, 300)}` : ''}` };
    return { kind: 'failed', message: `codex completed its turn but ended with ${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}` };
  }
  const detail = r.message ?? r.subtype;
  if (QUOTA.test(detail)) return { kind: 'api_error', message: `codex: the provider's quota is used up (billing, not a rate limit): ${detail}` };
  // "unexpected status 401 Unauthorized: …" — the provider refused, nothing the task did.
  if (r.apiErrorStatus !== undefined) return httpOutcome('codex', r.apiErrorStatus, detail, s, CODEX_KEYS);
  if (UNREACHABLE.test(detail)) {
    return { kind: 'failed', message: `codex could not reach its model provider (${detail}); check the network, or base_url of the provider in $CODEX_HOME/config.toml` };
  }
  return { kind: 'failed', message: `codex turn failed: ${detail}` };
}

export const codex: AgentBackend = {
  name: 'codex',
  bin: 'codex',
  install: 'npm install -g @openai/codex',
  argv: codexArgv,
  env: (parent) => codexEnv(parent),
  parser: () => codexParser(),
  preflight: () => null,
  classify: codexClassify,
};

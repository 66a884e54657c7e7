// Claude Code (`claude -p`) as an unattended worker. Facts this relies on (2.1.329):
// `--output-format stream-json` needs `--verbose`; `--max-turns` is hidden but works; failures exit 1
// with a result line whose `is_error` (not `subtype`) says it failed; as root, bypassPermissions is
// refused unless IS_SANDBOX=1.
import { claudeParser } from './claude-stream.js';
import { pickEnv } from './env.js';
import { httpOutcome, killed, noResult, startupFailure } from './outcome.js';
import type { AgentBackend, CommandInput, ExitInfo, Outcome, Preflight, StreamSummary } from './types.js';

export const DEFAULT_PERMISSION_MODE = 'bypassPermissions';

export function claudeArgv(input: CommandInput): string[] {
  const s = input.settings;
  return [
    '-p',
    '--output-format',
    'stream-json',
    '--verbose',
    '--max-turns',
    String(s.maxTurns),
    ...(s.maxBudgetUsd !== undefined && s.maxBudgetUsd > 0 ? ['--max-budget-usd', String(s.maxBudgetUsd)] : []),
    ...(s.model ? ['--model', s.model] : []),
    '--permission-mode',
    s.permissionMode || DEFAULT_PERMISSION_MODE,
    '--no-session-persistence',
    // The prompt last, after `--`: a brief that starts with "-" must not be read as an option.
    '--',
    input.prompt,
  ];
}

export function claudeEnv(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return pickEnv(
    parent,
    {
      prefixes: ['ANTHROPIC_', 'CLAUDE_CODE_'],
      names: [
        'IS_SANDBOX',
        'CLAUDE_CONFIG_DIR',
        'DISABLE_TELEMETRY',
        'DISABLE_ERROR_REPORTING',
        'DISABLE_BUG_COMMAND',
        'DISABLE_AUTOUPDATER',
        'API_TIMEOUT_MS',
        'BASH_DEFAULT_TIMEOUT_MS',
        'BASH_MAX_TIMEOUT_MS',
        'BASH_MAX_OUTPUT_LENGTH',
        'MAX_THINKING_TOKENS',
        'MCP_TIMEOUT',
        'MCP_TOOL_TIMEOUT',
      ],
    },
    // Claude Code retries even a 401 ten times with backoff up to ~37 s: a bad key would hang a
    // worker for minutes. 2 still rides out a transient 529.
    { CLAUDE_CODE_MAX_RETRIES: '2' },
    // A worker must never update itself mid-run, nor phone home for non-essential things.
    { DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  );
}

function bypasses(all: readonly string[]): boolean {
  const end = all.indexOf('--');
  const argv = end >= 0 ? all.slice(0, end) : all; // after `--` comes the prompt, not flags
  if (argv.includes('--dangerously-skip-permissions')) return true;
  const i = argv.indexOf('--permission-mode');
  if (i >= 0 && argv[i + 1] === 'bypassPermissions') return true;
  return argv.includes('--permission-mode=bypassPermissions');
}

/** The binary's own check: getuid()===0 && IS_SANDBOX!=="1" && !CLAUDE_CODE_BUBBLEWRAP → exit 1. */
export function claudePreflight(p: Preflight): string | null {
  if (p.uid !== 0 || !bypasses(p.argv)) return null;
  if (p.env.IS_SANDBOX === '1' || p.env.CLAUDE_CODE_BUBBLEWRAP) return null;
  return (
    'Claude Code refuses bypassPermissions (--dangerously-skip-permissions) when run as root unless IS_SANDBOX=1. ' +
    'Run aura as a non-root user, or, if this machine is a disposable sandbox, set IS_SANDBOX=1 in the environment aura starts with ' +
    '(or choose another AURA_CLAUDE_PERMISSION_MODE, e.g. acceptEdits).'
  );
}

export function claudeClassify(s: StreamSummary, exit: ExitInfo, stopReason: string | null): Outcome {
  if (stopReason) return killed(stopReason);
  const r = s.result;
  if (!r) return startupFailure('claude', s, exit) ?? noResult('claude', s, exit);
  if (r.ok) {
    if (exit.code === 0) return { kind: 'success', message: `claude says it finished${r.message ? `: ${r.message}` : ''}` };
    return { kind: 'failed', message: `claude reported success but ended with ${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}` };
  }
  const detail = r.message ?? r.subtype;
  if (r.subtype.includes('max_turns')) {
    return { kind: 'max_turns', message: `claude used up its turns${s.turns !== undefined ? ` (${s.turns})` : ''}: ${detail}` };
  }
  if (r.subtype.includes('max_budget') || r.subtype.includes('budget_exhausted')) {
    return { kind: 'budget_exhausted', message: `claude hit its spending cap: ${detail}` };
  }
  // A 429 may show only in the retries before an api_error result.
  const apiError = r.apiErrorStatus !== undefined || r.subtype.includes('api_error');
  const status = r.apiErrorStatus ?? (apiError ? s.lastStatus : undefined);
  if (apiError || status !== undefined) return httpOutcome('claude', status, detail, s, 'ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)');
  return { kind: 'failed', message: `claude failed (${r.subtype}): ${detail}` };
}

export const claude: AgentBackend = {
  name: 'claude',
  bin: 'claude',
  install: 'npm install -g @anthropic-ai/claude-code',
  argv: claudeArgv,
  env: (parent) => claudeEnv(parent),
  parser: () => claudeParser(),
  preflight: claudePreflight,
  classify: claudeClassify,
};

// OpenAI Codex (`codex exec`) as an unattended worker. Facts (0.169.0): `-a` and `--full-auto` are
// rejected by exec (exit 2), so approvals are set with `-c approval_policy="never"`; outside a git
// repo `--skip-git-repo-check` is needed; with a piped stdin it waits for EOF, so the runner gives
// it none. turn.completed → exit 0, turn.failed → exit 1.
import { codexParser } from './codex-stream.js';
import { pickEnv } from './env.js';
import { httpOutcome, killed, noResult, startupFailure } from './outcome.js';
import type { AgentBackend, CommandInput, ExitInfo, Outcome, StreamSummary } from './types.js';

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

export function codexClassify(s: StreamSummary, exit: ExitInfo, stopReason: string | null): Outcome {
  if (stopReason) return killed(stopReason);
  const r = s.result;
  if (!r) return startupFailure('codex', s, exit) ?? noResult('codex', s, exit);
  if (r.ok) {
    if (exit.code === 0) return { kind: 'success', message: `codex says it finished${s.lastText ? `: ${s.lastText.slice(0, 300)}` : ''}` };
    return { kind: 'failed', message: `codex completed its turn but ended with ${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}` };
  }
  const detail = r.message ?? r.subtype;
  // "unexpected status 401 Unauthorized: …" — the provider refused, nothing the task did.
  if (r.apiErrorStatus !== undefined) return httpOutcome('codex', r.apiErrorStatus, detail, s);
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

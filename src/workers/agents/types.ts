// One event model for every agent CLI's output stream, and the contract each backend implements.
// Backends are pure: argv/env building, line parsing and outcome classification take plain data.

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** USD as reported by the CLI; null when the CLI reports no cost (codex, gemini). */
  costUsd: number | null;
}

export const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null };

export type AgentEvent =
  | { type: 'started'; sessionId?: string; model?: string }
  | { type: 'tool_call'; id?: string; name: string; input?: unknown }
  | { type: 'tool_result'; id?: string; ok: boolean; output?: string }
  | { type: 'text'; text: string }
  /** Usage reported since the previous usage event (an increment, not a running total). */
  | { type: 'usage'; usage: Usage }
  | { type: 'retry'; attempt?: number; status?: number; message: string; delayMs?: number }
  | { type: 'error'; message: string; status?: number; kind?: string }
  | {
      type: 'result';
      ok: boolean;
      /** The CLI's own word for how it ended (claude: subtype/terminal_reason; codex: turn.completed/failed …). */
      subtype: string;
      message?: string;
      numTurns?: number;
      apiErrorStatus?: number;
    }
  /** A line that is not part of the CLI's protocol (kept so nothing is lost). */
  | { type: 'raw'; text: string };

export type OutcomeKind =
  | 'success'
  | 'failed'
  | 'max_turns'
  | 'budget_exhausted'
  | 'api_error'
  | 'rate_limited'
  | 'killed'
  | 'crashed'; // exited without a final result line

export interface StreamSummary {
  /** Totals over the whole stream. */
  usage: Usage;
  /** The last `result` event, if any. */
  result: Extract<AgentEvent, { type: 'result' }> | null;
  /** The last few error messages seen (api errors, retries), newest last. */
  errors: string[];
  /** Last HTTP status seen in an error or retry (e.g. 401, 429, 529). */
  lastStatus?: number;
  /** When a rate limit says when to come back (ISO time). */
  rateLimitedUntil?: string;
  events: number;
  toolCalls: number;
  turns?: number;
  /** The last assistant text, for the record (bounded). */
  lastText?: string;
  /** Set once the CLI said it started (claude init, codex thread.started …): a run that exits
   *  non-zero before this failed at startup (bad flag, root check), not mid-work. */
  started?: boolean;
  sessionId?: string;
  model?: string;
}

export interface StreamParser {
  /** One line of the CLI's stdout (without the newline). Never throws: bad lines become `raw`. */
  push(line: string): AgentEvent[];
  summary(): StreamSummary;
}

export interface Outcome {
  kind: OutcomeKind;
  /** One line for people: what happened. */
  message: string;
  retryAt?: string;
}

export interface AgentSettings {
  model?: string;
  maxTurns: number;
  /** Per-attempt USD cap, for CLIs that have one (claude --max-budget-usd). */
  maxBudgetUsd?: number;
  /** claude: bypassPermissions by default (unattended); others map it to their own flags. */
  permissionMode: string;
  /** custom backend only: the argv template from AURA_CUSTOM_WORKER_COMMAND. */
  template?: string;
}

export interface CommandInput {
  /** The prompt: the whole brief. */
  prompt: string;
  projectDir: string;
  attemptDir: string;
  settings: AgentSettings;
}

export interface Preflight {
  uid: number;
  env: NodeJS.ProcessEnv;
  argv: string[];
}

export interface AgentBackend {
  name: 'claude' | 'codex' | 'opencode' | 'gemini' | 'custom';
  /** Executable looked up on PATH (overridable per backend in config). */
  bin: string;
  /** What to run when the binary is missing. */
  install: string;
  argv(input: CommandInput): string[];
  /**
   * The worker's environment: an allowlist (PATH, HOME, locale, CUDA_VISIBLE_DEVICES, the CLI's own
   * provider variables), never aura's own AURA_* settings.
   */
  env(parent: NodeJS.ProcessEnv, input: CommandInput): NodeJS.ProcessEnv;
  parser(): StreamParser;
  /** A reason the run cannot work as configured (e.g. root + bypassPermissions without IS_SANDBOX), or null. */
  preflight(p: Preflight): string | null;
  /** How the attempt ended, from the stream (not the exit code alone). `stopReason` is set when aura stopped it. */
  classify(summary: StreamSummary, exit: ExitInfo, stopReason: string | null): Outcome;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** The tail of stderr, when the caller has it: startup failures (root check, bad flags) only say why there. */
  stderr?: string;
}

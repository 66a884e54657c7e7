// Gemini CLI (`gemini -p`) as an unattended worker. Facts (0.61.0, run against a scripted Gemini
// API server):
// - An untrusted workspace is fatal headless (exit 55) unless --skip-trust or
//   GEMINI_CLI_TRUST_WORKSPACE=true; stream-json ends with a `result` line.
// - It ignores SIGTERM unless it runs as one process (GEMINI_CLI_NO_RELAUNCH, see geminiEnv).
// - FatalError exit codes: 41 auth (nothing configured), 53 turn limit (settings
//   model.maxSessionTurns; there is no flag, so AURA_MAX_TURNS does not apply) …; a failed API call
//   exits with its HTTP status cut to a byte (400 → 144, 401 → 145, 429 → 173, 500 → 244).
// - With GOOGLE_GEMINI_BASE_URL set, headless auth needs settings.json's security.auth.selectedType
//   "gemini-api-key", or it exits 41 "Invalid auth method selected.".
// - A refused key is HTTP 400 with reason API_KEY_INVALID (Google's way), not a 401, and is not retried.
// - A 429 is retried by gemini itself (settings general.maxAttempts, 10 by default, backing off
//   5 s → 30 s, no shorter than the provider's RetryInfo); then it ends saying "Suggested retry
//   after Ns.", the time aura retries at. A delay over 300 s ends it at once.
import { pickEnv } from './env.js';
import { geminiParser } from './gemini-stream.js';
import { exitWords, httpOutcome, keyRefused, killed, noResult, startupFailure, stderrLine } from './outcome.js';
import type { AgentBackend, CommandInput, ExitInfo, Outcome, StreamSummary } from './types.js';

const APPROVAL: Record<string, string> = {
  bypassPermissions: 'yolo',
  yolo: 'yolo',
  acceptEdits: 'auto_edit',
  auto_edit: 'auto_edit',
  plan: 'plan',
};

export function geminiArgv(input: CommandInput): string[] {
  const s = input.settings;
  const approval = APPROVAL[s.permissionMode];
  // `-p` takes a value; yargs would read a prompt starting with "-" as a flag, `--prompt=` cannot be misread.
  const prompt = input.prompt.startsWith('-') ? [`--prompt=${input.prompt}`] : ['-p', input.prompt];
  return [
    ...prompt,
    '-o',
    'stream-json',
    ...(approval ? ['--approval-mode', approval] : []),
    ...(s.model ? ['-m', s.model] : []),
    '--skip-trust',
  ];
}

/** Where the key lives, for a message when it is refused or missing. */
export const GEMINI_KEYS = 'GEMINI_API_KEY (GOOGLE_API_KEY for Vertex AI)';

const AUTH_SETUP =
  `set ${GEMINI_KEYS}; with GOOGLE_GEMINI_BASE_URL also select the key in ~/.gemini/settings.json: ` +
  '{"security":{"auth":{"selectedType":"gemini-api-key"}}}';

export function geminiEnv(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return pickEnv(parent, { prefixes: ['GEMINI_', 'GOOGLE_'] }, {}, {
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
    // gemini normally relaunches itself in a child node with a bigger heap, and the parent ignores
    // SIGTERM without passing it on (it counts on a terminal signalling the whole group): aura's
    // SIGTERM then does nothing and only SIGKILL ends it, losing the runner's record. One process
    // ends on SIGTERM at once, and starts about a second sooner.
    GEMINI_CLI_NO_RELAUNCH: 'true',
  });
}

/** gemini's FatalError exit codes that are not max_turns/auth: all configuration problems. */
const EXIT_WORDS: Record<number, string> = {
  42: 'bad input',
  44: 'sandbox error',
  52: 'configuration error',
  54: 'a tool failed fatally',
  55: 'untrusted workspace',
  130: 'cancelled',
};

/** The HTTP status behind an exit code: gemini exits with a failed call's status, cut to a byte. */
export function geminiExitStatus(code: number | null): number | undefined {
  // 144..255 are 400..511; every FatalError code gemini defines is below 144.
  return code !== null && code >= 144 && code <= 255 ? code + 256 : undefined;
}

/** Google refuses a bad key with 400 API_KEY_INVALID; 401/403 are refusals too. */
const KEY_REFUSED = /API_KEY_INVALID|API key not valid|API key expired/i;
const RATE_LIMITED = /RESOURCE_EXHAUSTED|exceeded your current quota|exhausted your daily quota|Suggested retry after/i;

export function geminiClassify(s: StreamSummary, exit: ExitInfo, stopReason: string | null): Outcome {
  if (stopReason) return killed(stopReason);
  const detail = s.result?.message ?? s.errors.at(-1) ?? stderrLine(exit);
  if (exit.code === 53) return { kind: 'max_turns', message: `gemini reached its turn limit${detail ? `: ${detail}` : ''}` };
  if (exit.code === 41) return { kind: 'api_error', message: `gemini could not authenticate (exit 41)${detail ? `: ${detail}` : ''}; ${AUTH_SETUP}` };
  const r = s.result;
  if (r?.ok && exit.code === 0) return { kind: 'success', message: `gemini says it finished${s.lastText ? `: ${s.lastText.slice(0, 300)}` : ''}` };
  const known = exit.code !== null ? EXIT_WORDS[exit.code] : undefined;
  if (known) return { kind: 'failed', message: `gemini: ${known} (exit ${exit.code})${detail ? `: ${detail}` : ''}` };
  if (r && !r.ok) {
    const words = detail ?? r.subtype;
    const status = r.apiErrorStatus ?? geminiExitStatus(exit.code) ?? s.lastStatus ?? (RATE_LIMITED.test(words) ? 429 : undefined);
    if (status === 401 || status === 403 || (status === 400 && KEY_REFUSED.test(words))) return keyRefused('gemini', status, words, GEMINI_KEYS);
    if (status !== undefined) return httpOutcome('gemini', status, words, s, GEMINI_KEYS);
    return { kind: 'failed', message: `gemini failed (${r.subtype})${detail ? `: ${detail}` : ''}` };
  }
  if (r?.ok) return { kind: 'failed', message: `gemini reported success but ended with ${exitWords(exit)}` };
  return startupFailure('gemini', s, exit) ?? noResult('gemini', s, exit);
}

export const gemini: AgentBackend = {
  name: 'gemini',
  bin: 'gemini',
  install: 'npm install -g @google/gemini-cli',
  argv: geminiArgv,
  env: (parent) => geminiEnv(parent),
  parser: () => geminiParser(),
  preflight: () => null,
  classify: geminiClassify,
};

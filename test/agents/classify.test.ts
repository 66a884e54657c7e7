// How attempts end, for situations the samples do not cover: aura stopped it, it never started,
// rate limits, gemini's exit codes, a bare custom tool.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codexParser } from '../../src/workers/agents/codex-stream.js';
import { backends } from '../../src/workers/agents/index.js';
import { emptySummary } from '../../src/workers/agents/stream.js';
import type { ExitInfo, OutcomeKind, StreamSummary } from '../../src/workers/agents/types.js';
import { feed } from './helpers.js';

const ok: ExitInfo = { code: 0, signal: null };
const one: ExitInfo = { code: 1, signal: null };
const lines = (...objs: unknown[]) => objs.map((o) => JSON.stringify(o));
const summaryOf = (b: keyof typeof backends, ...objs: unknown[]) => feed(backends[b], lines(...objs)).summary;

const NOW = 1_800_000_000_000; // 2027-01-15T08:00:00Z
/** codex lines carry no time: a stated wait counts from when the line was read. */
const codexAt = (...objs: unknown[]) => {
  const p = codexParser(() => NOW);
  for (const l of lines(...objs)) p.push(l);
  return p.summary();
};
const codexFailed = (message: string) => codexAt({ type: 'thread.started', thread_id: 't' }, { type: 'turn.started' }, { type: 'error', message }, { type: 'turn.failed', error: { message } });
const geminiFailed = (message: string, type = 'unknown') =>
  summaryOf('gemini', { type: 'init', session_id: 's' }, { type: 'result', timestamp: '2027-01-15T08:00:00.000Z', status: 'error', error: { type, message }, stats: {} });
const GOOGLE_400 =
  '[API Error: {"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}]';
const GOOGLE_429 =
  '[API Error: You exceeded your current quota, please check your plan and billing details. Please retry in 3s.\nSuggested retry after 3s.]\nPlease wait and try again later. To increase your limits, request a quota increase through AI Studio, or switch to another /auth method';

const claudeInit = { type: 'system', subtype: 'init', session_id: 's1', model: 'm' };
const claudeResult = (extra: Record<string, unknown>) => ({ type: 'result', subtype: 'success', is_error: false, num_turns: 1, total_cost_usd: 0, ...extra });

interface Case {
  name: string;
  backend: keyof typeof backends;
  summary: StreamSummary;
  exit: ExitInfo;
  stop?: string;
  kind: OutcomeKind;
  message?: RegExp;
  retryAt?: string;
}

const cases: Case[] = [
  // aura stopped it: whatever the stream says
  { name: 'claude stopped by aura', backend: 'claude', summary: summaryOf('claude', claudeInit), exit: { code: 143, signal: null }, stop: 'stalled', kind: 'killed', message: /stopped by aura: stalled/ },
  { name: 'codex timeout', backend: 'codex', summary: emptySummary(), exit: { code: null, signal: 'SIGKILL' }, stop: 'timeout', kind: 'killed', message: /time budget used up/ },
  { name: 'opencode stopped even with errors', backend: 'opencode', summary: summaryOf('opencode', { type: 'error', error: { name: 'APIError', data: { message: 'x', statusCode: 500 } } }), exit: one, stop: 'user', kind: 'killed' },
  { name: 'gemini stopped', backend: 'gemini', summary: emptySummary(), exit: { code: 130, signal: null }, stop: 'shutdown', kind: 'killed' },
  { name: 'custom timeout', backend: 'custom', summary: emptySummary(), exit: { code: null, signal: 'SIGTERM' }, stop: 'timeout', kind: 'killed', message: /time budget used up \(timeout\)/ },

  // never started: a startup problem, said with stderr's words
  {
    name: 'claude root refusal (nothing on stdout)',
    backend: 'claude',
    summary: emptySummary(),
    exit: { code: 1, signal: null, stderr: '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n' },
    kind: 'failed',
    message: /failed to start \(exit code 1\): --dangerously-skip-permissions cannot be used with root/,
  },
  { name: 'codex usage error (exit 2)', backend: 'codex', summary: emptySummary(), exit: { code: 2, signal: null, stderr: "error: unexpected argument '-a' found" }, kind: 'failed', message: /unexpected argument/ },
  { name: 'claude killed from outside mid-run', backend: 'claude', summary: summaryOf('claude', claudeInit), exit: { code: null, signal: 'SIGKILL' }, kind: 'crashed' },
  { name: 'claude exit 0 without a result line', backend: 'claude', summary: summaryOf('claude', claudeInit), exit: ok, kind: 'crashed' },

  // claude results
  { name: 'claude success but non-zero exit', backend: 'claude', summary: summaryOf('claude', claudeInit, claudeResult({})), exit: one, kind: 'failed' },
  {
    name: 'claude 429 result',
    backend: 'claude',
    summary: summaryOf('claude', claudeInit, claudeResult({ is_error: true, terminal_reason: 'api_error', api_error_status: 429, result: 'Request rejected (429)' })),
    exit: one,
    kind: 'rate_limited',
  },
  {
    name: 'claude retries said 429, result has no status',
    backend: 'claude',
    summary: summaryOf(
      'claude',
      claudeInit,
      { type: 'system', subtype: 'api_retry', attempt: 1, max_retries: 1, retry_delay_ms: 500, error_status: 429, error: 'rate_limit' },
      claudeResult({ is_error: true, terminal_reason: 'api_error', result: 'rejected' }),
    ),
    exit: one,
    kind: 'rate_limited',
  },
  {
    name: 'claude rejected rate_limit_event gives retryAt',
    backend: 'claude',
    summary: summaryOf(
      'claude',
      claudeInit,
      { type: 'rate_limit_event', rate_limit_info: { status: 'rejected', resetsAt: 1800000000, rateLimitType: 'five_hour' } },
      claudeResult({ is_error: true, terminal_reason: 'api_error', api_error_status: 429 }),
    ),
    exit: one,
    kind: 'rate_limited',
    retryAt: '2027-01-15T08:00:00.000Z',
  },
  {
    name: 'claude 529 overloaded is an api_error',
    backend: 'claude',
    summary: summaryOf('claude', claudeInit, claudeResult({ is_error: true, terminal_reason: 'api_error', api_error_status: 529 })),
    exit: one,
    kind: 'api_error',
    message: /529/,
  },
  {
    name: 'claude error_during_execution',
    backend: 'claude',
    summary: summaryOf('claude', claudeInit, claudeResult({ is_error: true, subtype: 'error_during_execution', errors: ['boom'] })),
    exit: one,
    kind: 'failed',
    message: /error_during_execution.*boom/,
  },

  // codex
  { name: 'codex turn.failed without a status', backend: 'codex', summary: summaryOf('codex', { type: 'thread.started', thread_id: 't' }, { type: 'turn.failed', error: { message: 'context window exceeded' } }), exit: one, kind: 'failed', message: /context window/ },
  { name: 'codex 429', backend: 'codex', summary: summaryOf('codex', { type: 'thread.started', thread_id: 't' }, { type: 'turn.failed', error: { message: 'unexpected status 429 Too Many Requests' } }), exit: one, kind: 'rate_limited' },
  {
    name: 'codex reconnect noise alone does not fail a completed turn',
    backend: 'codex',
    summary: summaryOf('codex', { type: 'thread.started', thread_id: 't' }, { type: 'error', message: 'Reconnecting... 1/5 (unexpected status 401 Unauthorized)' }, { type: 'turn.completed', usage: {} }),
    exit: ok,
    kind: 'success',
  },
  // What codex 0.169 said against the scripted server (test/agents/real-codex.test.ts).
  {
    name: 'codex 401 after its own retries names the key',
    backend: 'codex',
    summary: codexFailed('unexpected status 401 Unauthorized: Incorrect API key provided: sk-bad., url: http://127.0.0.1:1/v1/responses'),
    exit: one,
    kind: 'api_error',
    message: /401.*Incorrect API key.*the API key was refused, check OPENAI_API_KEY or CODEX_API_KEY/,
  },
  {
    name: 'codex HTTP 429 after its own retries: the time is gone',
    backend: 'codex',
    summary: codexFailed('exceeded retry limit, last status: 429 Too Many Requests'),
    exit: one,
    kind: 'rate_limited',
    message: /429/,
  },
  {
    name: 'codex rate limit inside the stream says when to come back',
    backend: 'codex',
    summary: codexFailed('rate limit exceeded: Rate limit reached for gpt-5.5 on tokens per min (TPM): Limit 30000, Used 30000. Please try again in 2.5s. Visit https://platform.openai.com/account/rate-limits to learn more.'),
    exit: one,
    kind: 'rate_limited',
    retryAt: '2027-01-15T08:00:02.500Z',
  },
  { name: 'codex billing quota is not a rate limit', backend: 'codex', summary: codexFailed('Quota exceeded. Check your plan and billing details.'), exit: one, kind: 'api_error', message: /quota is used up/ },
  { name: 'codex unreachable provider (after its retries)', backend: 'codex', summary: codexFailed('Connection failed: error sending request'), exit: one, kind: 'failed', message: /could not reach its model provider \(Connection failed.*base_url/ },

  // opencode: no result line
  {
    name: 'opencode 429 with retry-after (from the line timestamp)',
    backend: 'opencode',
    summary: summaryOf('opencode', { type: 'error', timestamp: 1_800_000_000_000, error: { name: 'APIError', data: { message: 'rate limited', statusCode: 429, responseHeaders: { 'retry-after': '30' } } } }),
    exit: one,
    kind: 'rate_limited',
    retryAt: '2027-01-15T08:00:30.000Z',
  },
  { name: 'opencode error without status', backend: 'opencode', summary: summaryOf('opencode', { type: 'error', error: { name: 'UnknownError', data: { message: 'model not found' } } }), exit: one, kind: 'failed', message: /model not found/ },
  { name: 'opencode exit 1 without events', backend: 'opencode', summary: emptySummary(), exit: { code: 1, signal: null, stderr: 'Error: bad config' }, kind: 'failed', message: /bad config/ },
  { name: 'opencode killed from outside', backend: 'opencode', summary: summaryOf('opencode', { type: 'step_start', sessionID: 's', part: {} }), exit: { code: null, signal: 'SIGKILL' }, kind: 'crashed' },

  // gemini exit codes
  { name: 'gemini exit 53 turn limit', backend: 'gemini', summary: summaryOf('gemini', { type: 'init', session_id: 's' }), exit: { code: 53, signal: null }, kind: 'max_turns' },
  { name: 'gemini exit 41 auth', backend: 'gemini', summary: emptySummary(), exit: { code: 41, signal: null, stderr: 'Invalid auth method selected.' }, kind: 'api_error', message: /Invalid auth method/ },
  { name: 'gemini exit 55 untrusted', backend: 'gemini', summary: emptySummary(), exit: { code: 55, signal: null }, kind: 'failed', message: /untrusted workspace/ },
  {
    name: 'gemini error result with a status',
    backend: 'gemini',
    summary: summaryOf('gemini', { type: 'init', session_id: 's' }, { type: 'result', status: 'error', error: { type: 'FatalAPIError', message: '[API Error: 403 Forbidden]' }, stats: {} }),
    exit: one,
    kind: 'api_error',
    message: /403/,
  },
  {
    name: 'gemini error result without a status',
    backend: 'gemini',
    summary: summaryOf('gemini', { type: 'init', session_id: 's' }, { type: 'result', status: 'error', error: { type: 'Error', message: 'tool loop' } }),
    exit: one,
    kind: 'failed',
  },
  // What gemini 0.61 said against the scripted server (test/agents/real-gemini.test.ts): a failed
  // call exits with its HTTP status cut to a byte, and the message does not always say the status.
  {
    name: 'gemini refused key: 400 API_KEY_INVALID, exit 144',
    backend: 'gemini',
    summary: geminiFailed(GOOGLE_400),
    exit: { code: 144, signal: null },
    kind: 'api_error',
    message: /API error 400.*API key not valid.*the API key was refused, check GEMINI_API_KEY/,
  },
  { name: 'gemini 401 from the exit code alone', backend: 'gemini', summary: geminiFailed('[API Error: Unauthorized]'), exit: { code: 145, signal: null }, kind: 'api_error', message: /401.*check GEMINI_API_KEY/ },
  {
    name: 'gemini 429 (exit 173) says when to come back',
    backend: 'gemini',
    summary: geminiFailed(GOOGLE_429),
    exit: { code: 173, signal: null },
    kind: 'rate_limited',
    retryAt: '2027-01-15T08:00:03.000Z',
  },
  { name: 'gemini daily quota: rate limited, no time', backend: 'gemini', summary: geminiFailed('[API Error: You have exhausted your daily quota on this model.]'), exit: { code: 1, signal: null }, kind: 'rate_limited' },
  { name: 'gemini 500 (exit 244)', backend: 'gemini', summary: geminiFailed('[API Error: internal]'), exit: { code: 244, signal: null }, kind: 'api_error', message: /API error 500/ },
  {
    name: 'gemini turn limit from settings (exit 53)',
    backend: 'gemini',
    summary: geminiFailed('Reached max session turns for this session. Increase the number of turns by specifying maxSessionTurns in settings.json.', 'FatalTurnLimitedError'),
    exit: { code: 53, signal: null },
    kind: 'max_turns',
    message: /maxSessionTurns/,
  },
  {
    name: 'gemini exit 41 with a base URL and no auth selected says how to select the key',
    backend: 'gemini',
    summary: emptySummary(),
    exit: { code: 41, signal: null, stderr: 'YOLO mode is enabled.\nInvalid auth method selected.\n' },
    kind: 'api_error',
    message: /Invalid auth method selected.*GEMINI_API_KEY.*"selectedType":"gemini-api-key"/,
  },
  { name: 'gemini no result', backend: 'gemini', summary: summaryOf('gemini', { type: 'init', session_id: 's' }), exit: one, kind: 'crashed' },

  // custom: exit status only
  { name: 'custom exit 0', backend: 'custom', summary: feed(backends.custom, ['working', 'all done']).summary, exit: ok, kind: 'success', message: /all done/ },
  { name: 'custom exit 3', backend: 'custom', summary: feed(backends.custom, ['oops']).summary, exit: { code: 3, signal: null }, kind: 'failed', message: /exit code 3: oops/ },
  { name: 'custom signal', backend: 'custom', summary: emptySummary(), exit: { code: null, signal: 'SIGSEGV' }, kind: 'crashed' },
];

for (const c of cases) {
  test(`classify: ${c.name} → ${c.kind}`, () => {
    const o = backends[c.backend].classify(c.summary, c.exit, c.stop ?? null);
    assert.equal(o.kind, c.kind, o.message);
    if (c.message) assert.match(o.message, c.message);
    assert.equal(o.retryAt, c.retryAt);
    assert.ok(!o.message.includes('\n'), 'one line');
  });
}

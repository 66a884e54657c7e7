// The planner's connection to the Anthropic Messages API (or a compatible endpoint) through
// @anthropic-ai/sdk 1.x. aura does its own retries (the SDK's are off) so that a retry-after of an
// hour cannot hold a cycle for an hour: waits up to MAX_RETRY_WAIT_MS are honoured in place, longer
// ones end the call and the cycle goes on without the model.
//
// The SDK is loaded on the first call, not at import: it costs about 250 ms and 15 MB, which a daemon
// on the rules planner (or one whose model is never due) should not pay.
import type Anthropic from '@anthropic-ai/sdk';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/schema.js';
import type { UsageRecord } from '../store/schema.js';
import type { CallFailure } from '../core/safe-mode.js';
import { authStyle } from './auth-style.js';

export const MAX_RETRY_WAIT_MS = 60_000;

export type MessageParams = Anthropic.MessageCreateParamsNonStreaming;
export type Message = Anthropic.Message;

export interface ModelClient {
  /** One request, retried on 408/409/429/5xx/timeouts/connection errors; throws a CallError. */
  send(params: MessageParams, signal?: AbortSignal): Promise<{ message: Message; requests: number }>;
  countTokens(params: Pick<MessageParams, 'model' | 'system' | 'tools' | 'messages'>): Promise<number>;
}

export class CallError extends Error {
  constructor(
    readonly failure: CallFailure,
    readonly requests: number,
  ) {
    super(failure.message);
  }
}

export { authStyle, type AuthStyle } from './auth-style.js';

type Sdk = typeof Anthropic;
let loading: Promise<Sdk> | null = null;
const loadSdk = (): Promise<Sdk> => (loading ??= import('@anthropic-ai/sdk').then((m) => m.default));

function makeSdk(A: Sdk, cfg: Config): Anthropic {
  const key = cfg.AURA_API_KEY ?? '';
  const common = { baseURL: cfg.AURA_API_BASE_URL, timeout: Math.round(cfg.AURA_API_TIMEOUT * 1000), maxRetries: 0 };
  if (authStyle(cfg) === 'bearer') return new A({ ...common, apiKey: key });
  // Compatible endpoints (DeepSeek and others) expect the pre-1.0 headers.
  return new A({ ...common, apiKey: null, authToken: null, defaultHeaders: { 'x-api-key': key, 'anthropic-version': '2023-06-01' } });
}

function retryable(A: Sdk, err: unknown): boolean {
  if (err instanceof A.APIUserAbortError) return false;
  if (err instanceof A.APIError && typeof err.status === 'number') {
    const s = err.status;
    return s === 408 || s === 409 || s === 429 || s >= 500;
  }
  // Timeouts, refused connections and streams cut in the middle have no status.
  return true;
}

/** The wait a failed response asks for (retry-after-ms, then retry-after in seconds or as a date). */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return null;
  const secs = Number.parseFloat(raw);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

function backoffMs(retry: number): number {
  return Math.min(500 * 2 ** retry, 8000) * (1 - Math.random() * 0.25);
}

/** A failure in words a person can act on, and whether it is the key's fault. */
function describeFailure(A: Sdk, err: unknown, cfg: Pick<Config, 'AURA_API_BASE_URL' | 'AURA_API_MODEL'>): CallFailure {
  if (err instanceof A.APIError && typeof err.status === 'number') {
    const detail = (err.error as { error?: { message?: string } } | undefined)?.error?.message ?? err.message;
    const s = err.status;
    if (s === 401 || s === 403) {
      return {
        kind: 'auth',
        message: `the API at ${cfg.AURA_API_BASE_URL} refused AURA_API_KEY (${s}: ${detail}); fix the key (or AURA_API_AUTH_HEADER for a compatible endpoint) in .env or ~/.aura/config.env; the rules planner supervises meanwhile`,
      };
    }
    if (s === 404) return { kind: 'request', message: `the API answered 404 (${detail}); check AURA_API_BASE_URL=${cfg.AURA_API_BASE_URL} and AURA_API_MODEL=${cfg.AURA_API_MODEL}` };
    if (s < 500 && s !== 408 && s !== 409 && s !== 429) return { kind: 'request', message: `the API rejected the request (${s}: ${detail})` };
    return { kind: 'transient', message: `the API failed (${s}: ${detail})` };
  }
  if (err instanceof A.APIConnectionTimeoutError) return { kind: 'transient', message: 'the API did not answer within AURA_API_TIMEOUT' };
  if (err instanceof A.APIConnectionError) return { kind: 'transient', message: `cannot reach the API at ${cfg.AURA_API_BASE_URL} (${err.message})` };
  return { kind: 'transient', message: `the API call failed: ${err instanceof Error ? err.message : String(err)}` };
}

export function createClient(cfg: Config): ModelClient {
  let made: { A: Sdk; sdk: Anthropic } | null = null;
  const client = async () => {
    if (!made) {
      const A = await loadSdk();
      made = { A, sdk: makeSdk(A, cfg) };
    }
    return made;
  };
  return {
    async send(params, signal) {
      const { A, sdk } = await client();
      const fail = (err: unknown, requests: number, extra = '') => {
        const f = describeFailure(A, err, cfg);
        return new CallError({ ...f, message: f.message + extra }, requests);
      };
      let requests = 0;
      for (let retry = 0; ; retry++) {
        requests += 1;
        try {
          const message = await sdk.messages.stream(params, signal ? { signal } : {}).finalMessage();
          return { message, requests };
        } catch (err) {
          if (signal?.aborted || !retryable(A, err) || retry >= cfg.AURA_API_MAX_RETRIES) throw fail(err, requests);
          const asked = err instanceof A.APIError ? retryAfterMs(err.headers) : null;
          if (asked !== null && asked > MAX_RETRY_WAIT_MS) throw fail(err, requests, `; it asked to wait ${Math.round(asked / 1000)}s, longer than one cycle waits`);
          await sleep(asked ?? backoffMs(retry), undefined, signal ? { signal } : {}).catch(() => undefined);
          if (signal?.aborted) throw fail(err, requests);
        }
      }
    },
    async countTokens(params) {
      const { sdk } = await client();
      const r = await sdk.messages.countTokens(params as Anthropic.MessageCountTokensParams);
      return r.input_tokens;
    },
  };
}

/** Tokens of one response as aura records them, with the cost from the configured prices. */
export function usageOf(u: Anthropic.Usage, cfg: Pick<Config, 'AURA_API_INPUT_USD_PER_MTOK' | 'AURA_API_OUTPUT_USD_PER_MTOK'>): UsageRecord {
  const inputTokens = u.input_tokens ?? 0;
  const cacheWriteTokens = u.cache_creation_input_tokens ?? 0;
  const cacheReadTokens = u.cache_read_input_tokens ?? 0;
  const outputTokens = u.output_tokens ?? 0;
  const inPrice = cfg.AURA_API_INPUT_USD_PER_MTOK / 1e6;
  const costUsd = inputTokens * inPrice + cacheWriteTokens * inPrice * 1.25 + cacheReadTokens * inPrice * 0.1 + outputTokens * (cfg.AURA_API_OUTPUT_USD_PER_MTOK / 1e6);
  return { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, costUsd };
}

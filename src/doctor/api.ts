// The LLM API check shared by `aura doctor` and `aura setup`: one cheap authenticated request
// (count_tokens costs no tokens) that tells "reachable and the key works" from "key refused" and
// "cannot connect". The verdict is apiVerdict in checks.ts.
import type { ApiProbe } from './checks.js';

export interface ApiTarget {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** Default 10 s. */
  timeoutMs?: number;
  /** The header style the planner uses (AURA_API_AUTH_HEADER, resolved); default x-api-key. */
  auth?: 'bearer' | 'x-api-key';
}

export const API_TIMEOUT_MS = 10_000;

function causeCode(err: unknown): string | undefined {
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function causeMessage(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  if (cause instanceof Error && cause.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

export function countTokensUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/messages/count_tokens`;
}

export async function probeApi(t: ApiTarget): Promise<ApiProbe> {
  const url = countTokensUrl(t.baseUrl);
  const timeoutMs = t.timeoutMs ?? API_TIMEOUT_MS;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        // The same headers the planner's client sends, so the check proves what the planner will do.
        ...(t.auth === 'bearer' ? { authorization: `Bearer ${t.apiKey}`, 'anthropic-version': '2026-10-21' } : { 'x-api-key': t.apiKey, 'anthropic-version': '2023-06-01' }),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: t.model, messages: [{ role: 'user', content: 'ping' }] }),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    let body = '';
    try {
      body = (await res.text()).slice(0, 2000);
    } catch {
      // the status is what matters; a body cut short is no reason to fail the check
    }
    return { kind: 'http', url, status: res.status, body };
  } catch (err) {
    const name = (err as { name?: unknown })?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout', url, seconds: Math.round(timeoutMs / 1000) };
    return { kind: 'network', url, code: causeCode(err), message: causeMessage(err) };
  }
}

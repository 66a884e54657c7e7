// Classification pieces every backend shares: aura stopped it, it never started, what an HTTP
// status means, when a rate limit lifts. Success is only ever the CLI's claim; the evidence gate
// decides whether the task is done.
import { clip } from './json.js';
import type { ExitInfo, Outcome, StreamSummary } from './types.js';

export function killed(stopReason: string): Outcome {
  const why = stopReason === 'timeout' ? 'time budget used up' : stopReason;
  return { kind: 'killed', message: `stopped by aura: ${why}${why === stopReason ? '' : ` (${stopReason})`}` };
}

export function exitWords(exit: ExitInfo): string {
  if (exit.signal) return `signal ${exit.signal}`;
  return exit.code === null ? 'no exit status' : `exit code ${exit.code}`;
}

/** The last line of stderr worth showing, or ''. */
export function stderrLine(exit: ExitInfo): string {
  const lines = (exit.stderr ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.length > 0 ? clip(lines.slice(-3).join(' / '), 500) : '';
}

/**
 * A CLI that exits non-zero before saying it started failed at startup: a bad flag, the root
 * check, a missing key. That is a configuration problem (failed), not a crash mid-work.
 */
export function startupFailure(cli: string, s: StreamSummary, exit: ExitInfo): Outcome | null {
  if (s.started || exit.signal || exit.code === null || exit.code === 0) return null;
  const why = stderrLine(exit) || s.errors.at(-1) || 'see its stderr';
  return { kind: 'failed', message: `${cli} failed to start (${exitWords(exit)}): ${why}` };
}

export function noResult(cli: string, s: StreamSummary, exit: ExitInfo): Outcome {
  const last = s.errors.at(-1);
  return {
    kind: 'crashed',
    message: `${cli} ended (${exitWords(exit)}) without a final result${last ? `; last error: ${last}` : ''}`,
  };
}

/**
 * 429 → rate_limited (with the time it lifts, when known); 401/403 → api_error saying the key was
 * refused and which variable holds it (`keys`); other HTTP errors → api_error.
 */
export function httpOutcome(cli: string, status: number | undefined, detail: string, s: StreamSummary, keys?: string): Outcome {
  const what = clip(detail, 300);
  if (status === 429) {
    return {
      kind: 'rate_limited',
      message: `${cli}: rate limited (429)${what ? `: ${what}` : ''}`,
      ...(s.rateLimitedUntil ? { retryAt: s.rateLimitedUntil } : {}),
    };
  }
  if ((status === 401 || status === 403) && keys) return keyRefused(cli, status, what, keys);
  return { kind: 'api_error', message: `${cli}: API error${status !== undefined ? ` ${status}` : ''}${what ? `: ${what}` : ''}` };
}

/** The provider refused the credentials: a person must fix the key, so the message names it. */
export function keyRefused(cli: string, status: number, detail: string, keys: string): Outcome {
  return { kind: 'api_error', message: `${cli}: API error ${status}${detail ? `: ${clip(detail, 300)}` : ''}; the API key was refused, check ${keys}` };
}

/**
 * An HTTP error status inside a CLI's message ("unexpected status 401 Unauthorized",
 * `"statusCode":429`, "[API Error: 503 …]"). Only 4xx/5xx count: codex's WebSocket noise says
 * "unexpected status 200 OK", which is not an error status.
 */
export function statusFromText(text: string): number | undefined {
  const patterns = [
    /\bstatus(?:[ _]?code)?["']?\s*[:=]?\s*(\d{3})\b/gi,
    /\b(\d{3})\s+(?:Unauthorized|Forbidden|Not Found|Too Many Requests|Bad Request|Payment Required|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout|Overloaded)\b/gi,
    /\bAPI Error:?\s*(\d{3})\b/gi,
    /"code"\s*:\s*(\d{3})\b/g,
  ];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const n = Number(m[1]);
      if (n >= 400 && n <= 599) return n;
    }
  }
  return undefined;
}

/** A Retry-After value (seconds or an HTTP date) as an ISO time, counted from `nowMs`. */
export function retryAfterIso(value: unknown, nowMs: number): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return new Date(nowMs + value * 1000).toISOString();
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return new Date(nowMs + Number(v) * 1000).toISOString();
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The wait a provider asks for in words: OpenAI's "Please try again in 1.5s" / "in 7m12s" / "in
 * 20ms", Google's "Please retry in 3.2s" and gemini's "Suggested retry after 3s". The longest one
 * stated wins (come back no earlier than any of them); undefined when none is stated.
 */
export function retryDelayMsFromText(text: string): number | undefined {
  let best: number | undefined;
  for (const m of text.matchAll(/\b(?:try again|retry)\s+(?:in|after)\s+((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)\b/gi)) {
    let ms = 0;
    for (const part of (m[1] ?? '').matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/gi)) ms += Number(part[1]) * (UNIT_MS[(part[2] ?? 's').toLowerCase()] ?? 1000);
    if (best === undefined || ms > best) best = ms;
  }
  return best === undefined ? undefined : Math.ceil(best);
}

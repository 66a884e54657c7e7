// The webhook transport: one JSON POST with a time limit. Reasons never include the URL, because
// webhook URLs (Slack's above all) are credentials and failure lines end up in logs and journals.
import { clip } from '../progress/format.js';

export type FetchLike = typeof globalThis.fetch;

export interface PostOptions {
  timeoutMs: number;
  /** Aborted by the Notifier when close() gives up. */
  signal: AbortSignal;
}

/** The reason a fetch failed, in words: undici hides the useful part ("connect ECONNREFUSED …") in `cause`. */
function fetchReason(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message) return cause.message;
    return err.message;
  }
  return String(err);
}

/** Resolves on a 2xx answer; rejects with an Error whose message is the reason in words. */
export async function postJson(fetchFn: FetchLike, url: string, body: unknown, o: PostOptions): Promise<void> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  let res: Response;
  try {
    res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.any([o.signal, timeout]),
      // A redirect would silently turn the POST into a GET elsewhere: report it instead.
      redirect: 'manual',
    });
  } catch (err) {
    if (o.signal.aborted) throw new Error('aborted at shutdown');
    if (timeout.aborted) throw new Error(`no answer within ${o.timeoutMs / 1000} s`);
    throw new Error(fetchReason(err));
  }
  if (res.ok) {
    // Release the connection without reading an answer nobody needs.
    await res.body?.cancel();
    return;
  }
  // Slack explains refusals in the body ("invalid_payload", "no_service"); keep a short piece of it.
  let detail = '';
  try {
    detail = clip(await res.text(), 200);
  } catch (err) {
    detail = `(body unreadable: ${fetchReason(err)})`;
  }
  throw new Error(`HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
}

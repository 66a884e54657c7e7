// `gemini -o stream-json` lines → AgentEvents. Types: init, message (role user|assistant; assistant
// text comes in `delta` pieces), tool_use, tool_result, error (severity warning|error), result
// (status success|error, stats with token counts; no cost). A failed API call ends with a result
// whose error type is often just "unknown" and whose message is "[API Error: …]": the provider's
// words, sometimes with the status (`"code":400`), sometimes not (a 429 says "… Please retry in 3s.
// Suggested retry after 3s."); the exit code carries the status (see gemini.ts).
import { clip, clipDeep, clipMiddle, type Json, num, obj, oneLine, str } from './json.js';
import { retryDelayMsFromText, statusFromText } from './outcome.js';
import { createParser, LIMITS, type ParseContext } from './stream.js';
import type { AgentEvent, StreamParser, Usage } from './types.js';

export function geminiParser(now?: () => number): StreamParser {
  const handle = (m: Json, ctx: ParseContext): AgentEvent[] => {
    switch (m.type) {
      case 'init': {
        const sessionId = str(m.session_id);
        const model = str(m.model);
        return [{ type: 'started', ...(sessionId ? { sessionId } : {}), ...(model ? { model } : {}) }];
      }
      case 'message': {
        if (m.role !== 'assistant') return []; // the prompt echoed back
        const text = str(m.content) ?? '';
        return text ? [{ type: 'text', text: clipMiddle(text, LIMITS.text) }] : [];
      }
      case 'tool_use': {
        const id = str(m.tool_id);
        return [{ type: 'tool_call', name: str(m.tool_name) ?? 'unknown', ...(id ? { id } : {}), input: clipDeep(m.parameters, LIMITS.inputString) }];
      }
      case 'tool_result': {
        const id = str(m.tool_id);
        const output = str(m.output) ?? str(obj(m.error)?.message);
        return [{ type: 'tool_result', ok: m.status === 'success', ...(id ? { id } : {}), ...(output !== undefined ? { output: clip(output, LIMITS.output) } : {}) }];
      }
      case 'error': {
        const message = str(m.message) ?? 'error';
        noteRetryTime(message, m, ctx);
        const status = statusFromText(message);
        // Warnings (e.g. a loop-detection note) are reported but are not errors of the run.
        const kind = m.severity === 'warning' ? 'notice' : str(m.severity);
        return [{ type: 'error', message: clip(message, LIMITS.message), ...(status !== undefined ? { status } : {}), ...(kind ? { kind } : {}) }];
      }
      case 'result':
        noteRetryTime(str(obj(m.error)?.message) ?? '', m, ctx);
        return result(m);
      default:
        return [];
    }
  };
  return createParser(handle, { textDeltas: true, ...(now ? { now } : {}) });
}

/** "Suggested retry after 3s." counts from the line's own timestamp (gemini stamps every line). */
function noteRetryTime(message: string, m: Json, ctx: ParseContext): void {
  const ms = retryDelayMsFromText(message);
  if (ms === undefined) return;
  const stamped = Date.parse(str(m.timestamp) ?? '');
  ctx.summary.rateLimitedUntil = new Date((Number.isNaN(stamped) ? ctx.now() : stamped) + ms).toISOString();
}

function result(m: Json): AgentEvent[] {
  const err = obj(m.error);
  const message = str(err?.message);
  const status = num(err?.code) ?? (message ? statusFromText(message) : undefined);
  const events: AgentEvent[] = [];
  const stats = obj(m.stats);
  if (stats) events.push({ type: 'usage', usage: statsUsage(stats) });
  const subtype = str(m.status) ?? 'unknown';
  events.push({
    type: 'result',
    ok: subtype === 'success',
    subtype: err && str(err.type) ? `${subtype}:${str(err.type)}` : subtype,
    ...(message ? { message: oneLine(message, LIMITS.message) } : {}),
    ...(status !== undefined && status >= 400 ? { apiErrorStatus: status } : {}),
  });
  return events;
}

/** `input` is prompt tokens less the cached ones; older builds only have input_tokens. */
function statsUsage(s: Json): Usage {
  const cached = num(s.cached) ?? 0;
  return {
    inputTokens: num(s.input) ?? Math.max(0, (num(s.input_tokens) ?? 0) - cached),
    outputTokens: num(s.output_tokens) ?? 0,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    costUsd: null,
  };
}

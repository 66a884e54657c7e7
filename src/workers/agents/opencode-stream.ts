// `opencode run --format json` lines → AgentEvents. Each line is {type, timestamp(ms), sessionID,
// part|error}; types: step_start, text, tool_use, step_finish, reasoning, error. There is no final
// result line: the run is over when the process exits (exit 1 if any session error occurred), so
// summary.result stays null and classification uses the exit code and the errors.
import { clip, clipDeep, clipMiddle, type Json, num, obj, str } from './json.js';
import { retryAfterIso } from './outcome.js';
import { createParser, LIMITS, type ParseContext } from './stream.js';
import type { AgentEvent, StreamParser } from './types.js';

export function opencodeParser(now?: () => number): StreamParser {
  const handle = (m: Json, ctx: ParseContext): AgentEvent[] => {
    const part = obj(m.part) ?? {};
    switch (m.type) {
      case 'step_start': {
        // One step per model call; the first one is the start of the run.
        ctx.summary.turns = (ctx.summary.turns ?? 0) + 1;
        if (ctx.summary.started) return [];
        const sessionId = str(m.sessionID) ?? str(part.sessionID);
        return [{ type: 'started', ...(sessionId ? { sessionId } : {}) }];
      }
      case 'text': {
        const text = str(part.text) ?? '';
        return text.trim() ? [{ type: 'text', text: clipMiddle(text, LIMITS.text) }] : [];
      }
      case 'tool_use':
        return toolUse(part);
      case 'step_finish':
        return [{ type: 'usage', usage: stepUsage(part) }];
      case 'error':
        return [errorEvent(m, ctx)];
      default:
        return []; // reasoning (only with --thinking), done (newer versions) …
    }
  };
  return createParser(handle, now ? { now } : {});
}

function toolUse(part: Json): AgentEvent[] {
  const state = obj(part.state) ?? {};
  const id = str(part.callID) ?? str(part.id);
  const status = str(state.status);
  const output = str(state.output) ?? str(state.error);
  const events: AgentEvent[] = [
    { type: 'tool_call', name: str(part.tool) ?? 'unknown', ...(id ? { id } : {}), input: clipDeep(state.input, LIMITS.inputString) },
  ];
  // tool_use lines come when the tool is done; "pending"/"running" would have no result yet.
  if (status === 'completed' || status === 'error') {
    events.push({ type: 'tool_result', ok: status === 'completed', ...(id ? { id } : {}), ...(output !== undefined ? { output: clip(output, LIMITS.output) } : {}) });
  }
  return events;
}

/** Reasoning tokens are billed as output, so they are counted there. */
function stepUsage(part: Json) {
  const t = obj(part.tokens) ?? {};
  const cache = obj(t.cache) ?? {};
  const cost = num(part.cost);
  return {
    inputTokens: num(t.input) ?? 0,
    outputTokens: (num(t.output) ?? 0) + (num(t.reasoning) ?? 0),
    cacheReadTokens: num(cache.read) ?? 0,
    cacheWriteTokens: num(cache.write) ?? 0,
    costUsd: cost ?? null,
  };
}

function errorEvent(m: Json, ctx: ParseContext): AgentEvent {
  const err = obj(m.error) ?? {};
  const data = obj(err.data) ?? {};
  const name = str(err.name);
  const status = num(data.statusCode);
  const message = str(data.message) ?? str(err.message) ?? name ?? 'error';
  if (status === 429) {
    const headers = obj(data.responseHeaders) ?? {};
    // The line's own timestamp, not the clock: replaying a log gives the same answer.
    const until = retryAfterIso(headers['retry-after'], num(m.timestamp) ?? ctx.now());
    if (until) ctx.summary.rateLimitedUntil = until;
  }
  return {
    type: 'error',
    message: clip(message, LIMITS.message),
    ...(status !== undefined ? { status } : {}),
    ...(name ? { kind: name } : {}),
  };
}

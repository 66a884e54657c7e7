// `codex exec --json` lines → AgentEvents. Schema: @openai/codex-sdk ThreadEvent
// (thread.started, turn.started/completed/failed, item.started/updated/completed, error).
// Codex retries a failed request itself (its provider's stream_max_retries, 5 by default), printing
// "Reconnecting... n/5 (…)" `error` lines: those are reported, but only turn.failed decides that the
// run failed. The HTTP status is only in the words ("unexpected status 401 Unauthorized: …",
// "exceeded retry limit, last status: 429 Too Many Requests"); a rate limit reported inside the
// stream says "rate limit exceeded: … Please try again in 3s.", which is when aura retries.
import { arr, clip, clipDeep, clipMiddle, type Json, num, obj, oneLine, str } from './json.js';
import { retryDelayMsFromText, statusFromText } from './outcome.js';
import { createParser, LIMITS, type ParseContext } from './stream.js';
import type { AgentEvent, StreamParser } from './types.js';

export function codexParser(now?: () => number): StreamParser {
  // Items whose tool_call was already sent (on item.started); bounded by deleting on completion.
  const open = new Set<string>();
  const handle = (m: Json, ctx: ParseContext): AgentEvent[] => {
    switch (m.type) {
      case 'thread.started': {
        const sessionId = str(m.thread_id);
        return [{ type: 'started', ...(sessionId ? { sessionId } : {}) }];
      }
      case 'turn.started':
        ctx.summary.turns = (ctx.summary.turns ?? 0) + 1;
        return [];
      case 'turn.completed':
        return [{ type: 'usage', usage: turnUsage(obj(m.usage) ?? {}) }, { type: 'result', ok: true, subtype: 'turn.completed' }];
      case 'turn.failed': {
        const message = str(obj(m.error)?.message) ?? 'turn failed';
        noteRetryTime(message, ctx);
        const status = codexStatus(message);
        return [
          {
            type: 'result',
            ok: false,
            subtype: 'turn.failed',
            message: oneLine(message, LIMITS.message),
            ...(status !== undefined ? { apiErrorStatus: status } : {}),
          },
        ];
      }
      case 'error': {
        const message = str(m.message) ?? 'error';
        noteRetryTime(message, ctx);
        return [errorEvent(message)];
      }
      case 'item.started':
      case 'item.updated':
      case 'item.completed':
        return item(m.type, obj(m.item) ?? {}, open);
      default:
        return [];
    }
  };
  return createParser(handle, now ? { now } : {});
}

/** codex's words for a rate limit the provider reported inside the stream (no number in them). */
const STREAM_RATE_LIMIT = /^(?:Reconnecting\.\.\. \d+\/\d+ \()?rate limit exceeded:/i;

function codexStatus(message: string): number | undefined {
  return statusFromText(message) ?? (STREAM_RATE_LIMIT.test(message) ? 429 : undefined);
}

/** "… Please try again in 3s." counts from when codex said it (it prints as it goes). */
function noteRetryTime(message: string, ctx: ParseContext): void {
  const ms = retryDelayMsFromText(message);
  if (ms !== undefined) ctx.summary.rateLimitedUntil = new Date(ctx.now() + ms).toISOString();
}

function errorEvent(message: string): Extract<AgentEvent, { type: 'error' }> {
  const status = codexStatus(message);
  const reconnect = /^Reconnecting\.\.\./.test(message);
  return {
    type: 'error',
    // A reconnect line carries the whole response body it could not use; its start says enough.
    message: clip(message, reconnect ? 300 : LIMITS.message),
    ...(status !== undefined ? { status } : {}),
    ...(reconnect ? { kind: 'reconnect' } : {}),
  };
}

/** OpenAI's input_tokens include the cached ones; aura's Usage counts them apart (as Anthropic does). */
function turnUsage(u: Json) {
  const input = num(u.input_tokens) ?? 0;
  const cached = num(u.cached_input_tokens) ?? 0;
  return {
    inputTokens: Math.max(0, input - cached),
    outputTokens: num(u.output_tokens) ?? 0,
    cacheReadTokens: cached,
    cacheWriteTokens: num(u.cache_write_input_tokens) ?? 0,
    costUsd: null,
  };
}

interface ToolView {
  name: string;
  input: unknown;
  ok: boolean;
  output?: string;
}

/** The tool-like items; null for the rest (agent_message, reasoning, todo_list, error). */
function toolView(it: Json): ToolView | null {
  const status = str(it.status);
  switch (it.type) {
    case 'command_execution': {
      const code = num(it.exit_code);
      return {
        name: 'command_execution',
        input: { command: str(it.command) ?? '' },
        ok: status === 'completed' && (code === undefined || code === 0),
        output: str(it.aggregated_output) ?? '',
      };
    }
    case 'file_change':
      return { name: 'file_change', input: { changes: arr(it.changes) }, ok: status !== 'failed' };
    case 'mcp_tool_call': {
      const err = obj(it.error);
      const result = it.result === undefined ? undefined : JSON.stringify(it.result);
      return {
        name: `${str(it.server) ?? 'mcp'}.${str(it.tool) ?? 'tool'}`,
        input: it.arguments,
        ok: status === 'completed' && !err,
        ...(err ? { output: str(err.message) ?? 'error' } : result !== undefined ? { output: result } : {}),
      };
    }
    case 'web_search':
      return { name: 'web_search', input: { query: str(it.query) ?? '' }, ok: true };
    default:
      return null;
  }
}

function item(phase: string, it: Json, open: Set<string>): AgentEvent[] {
  const id = str(it.id);
  if (phase === 'item.completed' && it.type === 'agent_message') {
    const text = str(it.text) ?? '';
    return text.trim() ? [{ type: 'text', text: clipMiddle(text, LIMITS.text) }] : [];
  }
  if (phase === 'item.completed' && it.type === 'error') {
    // Notices such as "Model metadata … not found" or the WebSocket fallback: worth seeing, not fatal.
    return [{ ...errorEvent(str(it.message) ?? 'error'), kind: 'notice' }];
  }
  const tool = toolView(it);
  if (!tool) return [];
  const out: AgentEvent[] = [];
  const key = id ?? '';
  if (!open.has(key) && (phase === 'item.started' || phase === 'item.completed')) {
    out.push({ type: 'tool_call', name: tool.name, ...(id ? { id } : {}), input: clipDeep(tool.input, LIMITS.inputString) });
    if (phase === 'item.started') open.add(key);
  }
  if (phase === 'item.completed') {
    open.delete(key);
    out.push({
      type: 'tool_result',
      ok: tool.ok,
      ...(id ? { id } : {}),
      ...(tool.output !== undefined ? { output: clip(tool.output, LIMITS.output) } : {}),
    });
  }
  return out;
}

// Claude Code's `--output-format stream-json --verbose` lines → AgentEvents.
// Order: system/init, assistant/user lines (one assistant line per content block), system/api_retry
// and other notices, then one `result`. Usage on assistant lines is not final (and would count the
// same call twice); only the result's totals are used.
import { arr, clip, clipDeep, clipMiddle, contentText, type Json, num, obj, str } from './json.js';
import { createParser, LIMITS, type ParseContext } from './stream.js';
import { ZERO_USAGE, type AgentEvent, type StreamParser, type Usage } from './types.js';

export function claudeParser(now?: () => number): StreamParser {
  // Usage already reported, so a later result (stream-json input sessions have one per turn)
  // adds only what is new.
  let reported: Usage = { ...ZERO_USAGE, costUsd: 0 };
  const handle = (m: Json, ctx: ParseContext): AgentEvent[] => {
    switch (m.type) {
      case 'system':
        return system(m);
      case 'assistant':
        return assistant(m);
      case 'user':
        return user(m);
      case 'result': {
        const { increment, total } = resultUsage(m, reported);
        reported = total;
        return [{ type: 'usage', usage: increment }, resultEvent(m)];
      }
      case 'rate_limit_event':
        return rateLimit(m, ctx);
      default:
        // stream_event (--include-partial-messages), keep_alive, tool_progress …: protocol, not news.
        return [];
    }
  };
  return createParser(handle, now ? { now } : {});
}

function system(m: Json): AgentEvent[] {
  switch (m.subtype) {
    case 'init': {
      const sessionId = str(m.session_id);
      const model = str(m.model);
      return [{ type: 'started', ...(sessionId ? { sessionId } : {}), ...(model ? { model } : {}) }];
    }
    case 'api_retry': {
      const attempt = num(m.attempt);
      const status = num(m.error_status);
      const delayMs = num(m.retry_delay_ms);
      const max = num(m.max_retries);
      return [
        {
          type: 'retry',
          message: `${str(m.error) ?? 'api error'}${status !== undefined ? ` (${status})` : ''}${max !== undefined ? `, attempt ${attempt ?? '?'} of ${max}` : ''}`,
          ...(attempt !== undefined ? { attempt } : {}),
          ...(status !== undefined ? { status } : {}),
          ...(delayMs !== undefined ? { delayMs } : {}),
        },
      ];
    }
    case 'permission_denied':
      return [
        {
          type: 'error',
          kind: 'permission_denied',
          message: `permission denied: ${str(m.tool_name) ?? 'a tool'} (${clip(str(m.message) ?? '', 200)})`,
        },
      ];
    default:
      return []; // status, task_started, compact_boundary, hook notices …
  }
}

function assistant(m: Json): AgentEvent[] {
  const msg = obj(m.message) ?? {};
  const out: AgentEvent[] = [];
  const content = arr(msg.content).map((b) => obj(b)).filter((b): b is Json => b !== undefined);
  // An API failure arrives as a synthetic assistant message whose text is the error
  // ("Invalid API key · Fix external API key"); it is not the model speaking.
  const apiError = str(m.error);
  const synthetic = m.is_api_error_message === true || msg.model === '<synthetic>';
  if (apiError || m.is_api_error_message === true) {
    const status = num(m.api_error_status);
    const text = content.map((b) => str(b.text) ?? '').join(' ').trim();
    out.push({
      type: 'error',
      message: clip(text || apiError || 'API error', LIMITS.message),
      ...(status !== undefined ? { status } : {}),
      ...(apiError ? { kind: apiError } : {}),
    });
  }
  if (synthetic) return out;
  for (const b of content) {
    if (b.type === 'tool_use') {
      const id = str(b.id);
      out.push({
        type: 'tool_call',
        name: str(b.name) ?? 'unknown',
        ...(id ? { id } : {}),
        input: clipDeep(b.input, LIMITS.inputString),
      });
    } else if (b.type === 'text') {
      const text = str(b.text) ?? '';
      if (text.trim() !== '') out.push({ type: 'text', text: clipMiddle(text, LIMITS.text) });
    }
    // thinking / redacted_thinking / server tool blocks: not reported.
  }
  return out;
}

function user(m: Json): AgentEvent[] {
  const msg = obj(m.message) ?? {};
  const out: AgentEvent[] = [];
  for (const raw of arr(msg.content)) {
    const b = obj(raw);
    if (!b || b.type !== 'tool_result') continue;
    const id = str(b.tool_use_id);
    const output = contentText(b.content);
    out.push({
      type: 'tool_result',
      ok: b.is_error !== true,
      ...(id ? { id } : {}),
      ...(output !== undefined ? { output: clip(output, LIMITS.output) } : {}),
    });
  }
  return out;
}

/** `is_error` is the failure flag: a 401 ends with subtype "success" and is_error true. */
function resultEvent(m: Json): Extract<AgentEvent, { type: 'result' }> {
  const subtype = str(m.subtype) ?? 'unknown';
  const terminal = str(m.terminal_reason);
  // terminal_reason says more than subtype when subtype alone would mislead ("success" on a 401).
  const informative = terminal && terminal !== 'completed' && !subtype.includes(terminal);
  const ok = typeof m.is_error === 'boolean' ? !m.is_error : subtype === 'success';
  const errors = arr(m.errors).map((e) => str(e)).filter((e): e is string => e !== undefined);
  const text = str(m.result);
  const message = errors.length > 0 ? errors.join('; ') : text;
  const numTurns = num(m.num_turns);
  const apiErrorStatus = num(m.api_error_status);
  return {
    type: 'result',
    ok,
    subtype: informative ? `${subtype}:${terminal}` : subtype,
    ...(message ? { message: clip(message, LIMITS.message) } : {}),
    ...(numTurns !== undefined ? { numTurns } : {}),
    ...(apiErrorStatus !== undefined ? { apiErrorStatus } : {}),
  };
}

/** Per-model totals (they include subagents, unlike `usage`, which is the main loop only). */
function sumModelUsage(v: unknown): Usage | null {
  const models = obj(v);
  if (!models) return null;
  let u: Usage = { ...ZERO_USAGE, costUsd: 0 };
  for (const x of Object.values(models)) {
    const mu = obj(x);
    if (!mu) continue;
    u = {
      inputTokens: u.inputTokens + (num(mu.inputTokens) ?? 0),
      outputTokens: u.outputTokens + (num(mu.outputTokens) ?? 0),
      cacheReadTokens: u.cacheReadTokens + (num(mu.cacheReadInputTokens) ?? 0),
      cacheWriteTokens: u.cacheWriteTokens + (num(mu.cacheCreationInputTokens) ?? 0),
      costUsd: (u.costUsd ?? 0) + (num(mu.costUSD) ?? 0),
    };
  }
  return u;
}

function mainLoopUsage(m: Json): Usage {
  const u = obj(m.usage) ?? {};
  return {
    inputTokens: num(u.input_tokens) ?? 0,
    outputTokens: num(u.output_tokens) ?? 0,
    cacheReadTokens: num(u.cache_read_input_tokens) ?? 0,
    cacheWriteTokens: num(u.cache_creation_input_tokens) ?? 0,
    costUsd: num(m.total_cost_usd) ?? 0,
  };
}

const minus = (a: number, b: number) => Math.max(0, a - b);

/**
 * The result's usage as an increment over what was reported before.
 * `model_usage_since_last_result` is already an increment; otherwise `modelUsage` (or, when it is
 * empty, `usage`) and `total_cost_usd` are session totals, from which the reported part is taken off.
 */
export function resultUsage(m: Json, reported: Usage): { increment: Usage; total: Usage } {
  const since = sumModelUsage(m.model_usage_since_last_result);
  if (since) {
    const increment = { ...since, costUsd: since.costUsd ?? 0 };
    const total: Usage = {
      inputTokens: reported.inputTokens + increment.inputTokens,
      outputTokens: reported.outputTokens + increment.outputTokens,
      cacheReadTokens: reported.cacheReadTokens + increment.cacheReadTokens,
      cacheWriteTokens: reported.cacheWriteTokens + increment.cacheWriteTokens,
      costUsd: (reported.costUsd ?? 0) + (increment.costUsd ?? 0),
    };
    return { increment, total };
  }
  const models = sumModelUsage(m.modelUsage);
  const loop = mainLoopUsage(m);
  const hasModels = models !== null && Object.keys(obj(m.modelUsage) ?? {}).length > 0;
  const total: Usage = hasModels && models ? { ...models, costUsd: num(m.total_cost_usd) ?? models.costUsd } : loop;
  const increment: Usage = {
    inputTokens: minus(total.inputTokens, reported.inputTokens),
    outputTokens: minus(total.outputTokens, reported.outputTokens),
    cacheReadTokens: minus(total.cacheReadTokens, reported.cacheReadTokens),
    cacheWriteTokens: minus(total.cacheWriteTokens, reported.cacheWriteTokens),
    costUsd: minus(total.costUsd ?? 0, reported.costUsd ?? 0),
  };
  return { increment, total };
}

/** A rejected rate limit says when it resets (unix seconds); allowed ones are periodic status. */
function rateLimit(m: Json, ctx: ParseContext): AgentEvent[] {
  const info = obj(m.rate_limit_info) ?? {};
  if (info.status !== 'rejected') return [];
  const resetsAt = num(info.resetsAt);
  const until = resetsAt !== undefined ? new Date(resetsAt * 1000).toISOString() : undefined;
  if (until) ctx.summary.rateLimitedUntil = until;
  const kind = str(info.rateLimitType);
  return [
    {
      type: 'error',
      status: 429,
      kind: 'rate_limit',
      message: `rate limit reached${kind ? ` (${kind})` : ''}${until ? `, resets at ${until}` : ''}`,
    },
  ];
}

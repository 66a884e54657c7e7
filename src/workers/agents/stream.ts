// The part every stream parser shares: line → JSON → backend handler → events, and the bounded
// StreamSummary kept from those events. Backends only map one JSON object to events; what the
// summary keeps (totals, last errors, last text) is decided here, once, from the events.
import { sumUsage } from '../../core/budget.js';
import { ZERO_USAGE, type AgentEvent, type StreamParser, type StreamSummary } from './types.js';
import { clip, clipMiddle, clipTail, type Json, parseObject } from './json.js';

/** Memory bounds: a run may print for hours; the summary must stay small. */
export const LIMITS = {
  errors: 5,
  lastText: 2000,
  /** Per event: tool output, raw lines, error messages, model text. */
  output: 4000,
  raw: 2000,
  message: 1000,
  text: 8000,
  /** Long strings inside tool inputs (file contents). */
  inputString: 2000,
} as const;

export interface ParseContext {
  /** The summary being built; handlers may set fields the events cannot carry (turns, rate-limit time). */
  readonly summary: StreamSummary;
  /** Milliseconds since the epoch; injectable so tests are deterministic. */
  now(): number;
}

export type LineHandler = (msg: Json, ctx: ParseContext) => AgentEvent[];

/** For CLIs without a protocol (custom tools): every line is text. */
export const PLAIN_TEXT = 'plain-text';

export interface ParserOptions {
  /** Text events are pieces of one message (gemini's `delta:true`): consecutive ones are joined in lastText. */
  textDeltas?: boolean;
  now?: () => number;
}


export function emptySummary(): StreamSummary {
  return { usage: { ...ZERO_USAGE }, result: null, errors: [], events: 0, toolCalls: 0 };
}

/** Builds a StreamParser from a per-line handler. Lines that are not JSON objects with a `type` become `raw`. */
export function createParser(handle: LineHandler | typeof PLAIN_TEXT, opts: ParserOptions = {}): StreamParser {
  const s = emptySummary();
  const ctx: ParseContext = { summary: s, now: opts.now ?? Date.now };
  let prevWasText = false;

  const pushError = (message: string) => {
    // One line each: they end up in one-line outcome messages.
    s.errors.push(clip(message.replace(/\s+/g, ' ').trim(), LIMITS.message));
    if (s.errors.length > LIMITS.errors) s.errors.splice(0, s.errors.length - LIMITS.errors);
  };

  const apply = (e: AgentEvent) => {
    s.events += 1;
    switch (e.type) {
      case 'started':
        s.started = true;
        if (e.sessionId && !s.sessionId) s.sessionId = e.sessionId;
        if (e.model && !s.model) s.model = e.model;
        break;
      case 'tool_call':
        s.toolCalls += 1;
        break;
      case 'text':
        s.lastText = clipTail(opts.textDeltas && prevWasText ? (s.lastText ?? '') + e.text : e.text, LIMITS.lastText);
        break;
      case 'usage':
        s.usage = sumUsage(s.usage, e.usage);
        break;
      case 'retry':
        pushError(`retry${e.attempt !== undefined ? ` ${e.attempt}` : ''}: ${e.message}`);
        if (e.status !== undefined && e.status >= 400) s.lastStatus = e.status;
        break;
      case 'error':
        // kind 'notice': error-shaped but informational (codex's "model metadata not found").
        if (e.kind !== 'notice') pushError(e.message);
        if (e.status !== undefined && e.status >= 400) s.lastStatus = e.status;
        break;
      case 'result':
        s.result = e;
        if (e.numTurns !== undefined) s.turns = e.numTurns;
        if (e.apiErrorStatus !== undefined) s.lastStatus = e.apiErrorStatus;
        break;
      case 'tool_result':
      case 'raw':
        break;
    }
    prevWasText = e.type === 'text';
  };

  return {
    push(line: string): AgentEvent[] {
      if (line.trim() === '') return [];
      let events: AgentEvent[];
      if (handle === PLAIN_TEXT) {
        events = [{ type: 'text', text: clipMiddle(line, LIMITS.text) }];
      } else {
        const msg = parseObject(line);
        events = msg && typeof msg.type === 'string' ? handle(msg, ctx) : [{ type: 'raw', text: clip(line, LIMITS.raw) }];
      }
      for (const e of events) apply(e);
      return events;
    },
    summary(): StreamSummary {
      // A copy: the runner stores it while parsing goes on.
      return { ...s, usage: { ...s.usage }, errors: [...s.errors] };
    },
  };
}

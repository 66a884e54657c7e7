// The "parser" for plain-text workers (shell commands, custom tools): each line is text.
import { ZERO_USAGE, type AgentEvent, type StreamParser, type StreamSummary } from './agents/types.js';

export function textParser(): StreamParser {
  let events = 0;
  let lastText: string | undefined;
  return {
    push(line: string): AgentEvent[] {
      events += 1;
      lastText = line.slice(-2000);
      return [{ type: 'text', text: line }];
    },
    summary(): StreamSummary {
      return { usage: { ...ZERO_USAGE }, result: null, errors: [], events, toolCalls: 0, ...(lastText !== undefined ? { lastText } : {}) };
    },
  };
}

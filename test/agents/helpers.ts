// Shared bits of the agent-backend tests: the recorded CLI samples and a default command input.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentBackend, AgentEvent, AgentSettings, CommandInput, StreamSummary } from '../../src/workers/agents/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Verbatim CLI output copied from the interface research (test/agents/samples/). */
export function sampleLines(name: string): string[] {
  return readFileSync(path.join(here, 'samples', name), 'utf8').split('\n');
}

export function feed(b: AgentBackend, lines: string[]): { events: AgentEvent[]; summary: StreamSummary } {
  const p = b.parser();
  const events = lines.flatMap((l) => p.push(l));
  return { events, summary: p.summary() };
}

export function input(settings: Partial<AgentSettings> = {}, prompt = 'do the task'): CommandInput {
  return {
    prompt,
    projectDir: '/work/proj',
    attemptDir: '/work/proj/.aura/attempts/t1-1',
    settings: { maxTurns: 30, permissionMode: 'bypassPermissions', ...settings },
  };
}

export function types(events: AgentEvent[]): string[] {
  return events.map((e) => (e.type === 'tool_call' ? `tool_call:${e.name}` : e.type));
}

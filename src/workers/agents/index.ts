// The agent CLIs aura can run as workers, by the name a task's `worker:` uses.
import { claude } from './claude.js';
import { codex } from './codex.js';
import { custom } from './custom.js';
import { gemini } from './gemini.js';
import { opencode } from './opencode.js';
import type { AgentBackend } from './types.js';

export type AgentName = AgentBackend['name'];

export const backends: Record<AgentName, AgentBackend> = { claude, codex, opencode, gemini, custom };

export function isAgentName(name: string): name is AgentName {
  return Object.hasOwn(backends, name);
}

export { customBackend } from './custom.js';
export { splitTemplate, expandTemplate, PLACEHOLDERS } from './argv-template.js';
export type * from './types.js';

// Shared pieces for the LLM planner's end-to-end tests: the real daemon, the real SDK, the scripted
// model server on 127.0.0.1.
import type { RecordedRequest, Reply, Step } from '../fixtures/model-server/index.js';
import { text, toolResults, toolUse } from '../fixtures/model-server/index.js';
import { testEnv } from '../helpers/aura.js';

export function plannerEnv(url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return testEnv({
    AURA_API_KEY: 'sk-test-planner',
    AURA_API_BASE_URL: url,
    AURA_API_TIMEOUT: '10',
    AURA_API_MAX_RETRIES: '0',
    AURA_LAYER2_BACKEND: 'shell',
    ...extra,
  });
}

/** The text of the cycle message (the first user message) a request carried. */
export function deltaOf(req: RecordedRequest): string {
  const body = req.body as { messages?: { role: string; content: unknown }[] } | null;
  const first = body?.messages?.[0];
  if (!first) return '';
  if (typeof first.content === 'string') return first.content;
  return (first.content as { type: string; text?: string }[]).map((b) => b.text ?? '').join('\n');
}

/** Whether this request answers tool calls (a later round of the same cycle). */
export function isLaterRound(req: RecordedRequest): boolean {
  return toolResults(req).length > 0;
}

/** Ready task ids in a cycle message ("- id: pending (ready)"). */
export function readyTasks(req: RecordedRequest): string[] {
  return [...deltaOf(req).matchAll(/^- (\S+): pending \(ready\)/gm)].map((m) => m[1] as string);
}

/** A model that starts the first ready task, or says no_op; later rounds end the turn; reviews get a text. */
export const autopilot: Step = (req) => {
  if (deltaOf(req).startsWith('Deep-reflection review')) return text('1. Keep each step small.\n2. Check outputs early.');
  if (isLaterRound(req)) return text('done for this cycle');
  const ready = readyTasks(req);
  return ready.length ? toolUse('spawn_task', { task_id: ready[0], reason: 'it is ready' }) : toolUse('no_op', { reason: 'nothing to start' });
};

export function repeat(step: Step, n: number): Step[] {
  return Array.from({ length: n }, () => step);
}

/** Several tool calls in one assistant turn; `rawInput` streams malformed JSON as the input. */
export function calls(...uses: { name: string; input?: unknown; rawInput?: string }[]): Reply {
  return {
    content: uses.map((u, i) => ({
      type: 'tool_use' as const,
      id: `toolu_multi_${Date.now()}_${i}`,
      name: u.name,
      input: u.input ?? {},
      ...(u.rawInput ? { rawInput: u.rawInput } : {}),
    })),
  };
}

// One cycle's conversation with the model: request, run the tool calls it makes (each proposal
// judged by the core through the host), answer with tool results, up to the per-cycle round cap.
// Every invalid call gets an is_error result and the loop goes on.
import type { Proposal } from '../core/proposals.js';
import type { UsageRecord } from '../store/schema.js';
import { sumUsage } from '../core/budget.js';
import { CallError, usageOf, type Message, type MessageParams, type ModelClient } from './client.js';
import type { Config } from '../config/schema.js';
import type { Request } from './context.js';
import { dispatchTool } from './tools/index.js';
import type { ToolEnv } from './tools/types.js';
import type { CallFailure } from '../core/safe-mode.js';

export interface LoopHost {
  toolEnv: ToolEnv;
  /** Judges a proposal and, when accepted, applies it; the text goes back to the model. */
  apply(p: Proposal, toolName: string): Promise<{ ok: boolean; text: string }>;
}

export interface RoundRecord {
  requestChars: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  stopReason: string | null;
  toolCalls: string[];
}

export interface LoopResult {
  rounds: RoundRecord[];
  requests: number;
  usage: UsageRecord;
  /** Results of calls made in the last allowed round, which the model never saw. */
  unseen: string[];
  noOp: Extract<Proposal, { type: 'no_op' }> | null;
  refusals: number;
  failure: CallFailure | null;
  text: string | null;
}

type Block = { type: string; [k: string]: unknown };
const CACHE = { type: 'ephemeral' } as const;

/** Moves the conversation's cache breakpoint to the newest user block (one breakpoint in messages). */
function markLast(messages: Request['messages']): void {
  for (const m of messages) if (Array.isArray(m.content)) for (const b of m.content as Block[]) delete b.cache_control;
  const last = messages.at(-1);
  const blocks = last && Array.isArray(last.content) ? (last.content as Block[]) : [];
  const tail = blocks.at(-1);
  if (tail) tail.cache_control = CACHE;
}

export async function runRounds(o: {
  client: ModelClient;
  config: Config;
  prefix: Pick<Request, 'system' | 'tools'>;
  delta: string;
  host: LoopHost;
  signal?: AbortSignal;
  /** Answer in text only (reviews): one round, no tool calls. */
  textOnly?: boolean;
}): Promise<LoopResult> {
  const cfg = o.config;
  const messages: Request['messages'] = [{ role: 'user', content: [{ type: 'text', text: o.delta }] }];
  const result: LoopResult = {
    rounds: [],
    requests: 0,
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
    unseen: [],
    noOp: null,
    refusals: 0,
    failure: null,
    text: null,
  };
  const maxRounds = o.textOnly ? 1 : cfg.AURA_API_MAX_ROUNDS;
  for (let round = 1; round <= maxRounds; round++) {
    markLast(messages);
    const params = {
      model: cfg.AURA_API_MODEL,
      max_tokens: cfg.AURA_API_MAX_TOKENS,
      system: o.prefix.system,
      tools: o.prefix.tools,
      tool_choice: o.textOnly ? { type: 'none' } : { type: 'auto' },
      messages,
    } as unknown as MessageParams;
    let message: Message;
    try {
      const r = await o.client.send(params, o.signal);
      result.requests += r.requests;
      message = r.message;
    } catch (err) {
      if (!(err instanceof CallError)) throw err;
      result.requests += err.requests;
      result.failure = err.failure;
      return result;
    }
    const usage = usageOf(message.usage, cfg);
    result.usage = sumUsage(result.usage, usage);
    const uses = message.content.filter((b) => b.type === 'tool_use');
    result.rounds.push({
      requestChars: JSON.stringify(params).length,
      inputTokens: usage.inputTokens,
      cacheReadTokens: usage.cacheReadTokens,
      cacheWriteTokens: usage.cacheWriteTokens,
      outputTokens: usage.outputTokens,
      stopReason: message.stop_reason,
      toolCalls: uses.map((u) => u.name),
    });
    const said = message.content.filter((b) => b.type === 'text').map((b) => b.text).join('\n').trim();
    if (said) result.text = said;
    if (!uses.length || o.textOnly) break;

    const answers: Block[] = [];
    let allNoOp = true;
    for (const u of uses) {
      const outcome = await dispatchTool(u.name, u.input, o.host.toolEnv);
      let text: string;
      let isError: boolean;
      if (outcome.kind === 'answer') {
        text = outcome.text;
        isError = !!outcome.isError;
      } else {
        if (outcome.proposal.type === 'no_op') result.noOp = outcome.proposal;
        const applied = await o.host.apply(outcome.proposal, u.name);
        text = applied.text;
        isError = !applied.ok;
      }
      if (isError) result.refusals += 1;
      if (u.name !== 'no_op' || isError) allNoOp = false;
      answers.push({ type: 'tool_result', tool_use_id: u.id, content: text, ...(isError ? { is_error: true } : {}) });
    }
    // A round of only no_op needs no answer; a last round's answers wait for the next cycle.
    if (allNoOp) break;
    if (round === maxRounds) {
      result.unseen = answers.map((a, i) => `${uses[i]?.name}: ${a.is_error ? 'ERROR ' : ''}${String(a.content)}`);
      break;
    }
    messages.push({ role: 'assistant', content: message.content }, { role: 'user', content: answers });
  }
  return result;
}

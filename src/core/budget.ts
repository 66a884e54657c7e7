// Run budgets: the whole run's spend, summed over every attempt (finished ones from their records,
// running ones from their live status) plus the LLM planner's own calls, against AURA_RUN_BUDGET_USD and AURA_RUN_TOKEN_BUDGET. Pure.
import type { RunState, UsageRecord } from '../store/schema.js';

export interface Totals {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  /** Attempts that reported a cost (agents that report none, like codex, add tokens only). */
  costed: number;
}

export function emptyTotals(): Totals {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, costed: 0 };
}

export function addUsage(t: Totals, u: UsageRecord | null | undefined): Totals {
  if (!u) return t;
  return {
    inputTokens: t.inputTokens + u.inputTokens,
    outputTokens: t.outputTokens + u.outputTokens,
    cacheReadTokens: t.cacheReadTokens + u.cacheReadTokens,
    cacheWriteTokens: t.cacheWriteTokens + u.cacheWriteTokens,
    costUsd: t.costUsd + (u.costUsd ?? 0),
    costed: t.costed + (u.costUsd === null ? 0 : 1),
  };
}

/** Two usage records added up: a cost unknown on one side counts as 0, on both stays unknown. */
export function sumUsage(a: UsageRecord, b: UsageRecord): UsageRecord {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    costUsd: a.costUsd === null && b.costUsd === null ? null : (a.costUsd ?? 0) + (b.costUsd ?? 0),
  };
}

/** Every attempt's usage; `live` overrides attempts still running (their record has no usage yet). */
export function runTotals(state: RunState, live: ReadonlyMap<string, UsageRecord> = new Map()): Totals {
  let t = emptyTotals();
  for (const task of Object.values(state.tasks)) {
    for (const a of task.attempts) {
      t = addUsage(t, a.usage ?? (a.endedAt === null ? live.get(`${task.id}#${a.n}`) : null));
    }
  }
  // The orchestrator's own model calls count against the same budgets.
  return addUsage(t, state.planner?.usage);
}

export function taskTotals(state: RunState, id: string): Totals {
  let t = emptyTotals();
  for (const a of state.tasks[id]?.attempts ?? []) t = addUsage(t, a.usage);
  return t;
}

/** Why the run must stop spending, or null. A cap of 0 means no cap. */
export function budgetExceeded(t: Totals, caps: { usd: number; tokens: number }): string | null {
  if (caps.usd > 0 && t.costUsd >= caps.usd) {
    return `run budget reached: $${t.costUsd.toFixed(4)} spent of AURA_RUN_BUDGET_USD=$${caps.usd}`;
  }
  const tokens = t.inputTokens + t.outputTokens;
  if (caps.tokens > 0 && tokens >= caps.tokens) return `run token budget reached: ${tokens} tokens used of AURA_RUN_TOKEN_BUDGET=${caps.tokens}`;
  return null;
}

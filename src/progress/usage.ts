// Tokens and cost in words, for the views. Pure.
import type { Totals } from '../core/budget.js';

/** "12.3k tokens · $0.0412" (cost only when some attempt reported one), or null for no usage. */
export function usageText(t: Totals): string | null {
  const tokens = t.inputTokens + t.outputTokens;
  if (tokens === 0 && t.costed === 0) return null;
  const k = tokens >= 1000 ? `${(tokens / 1000).toFixed(1)}k` : String(tokens);
  return t.costed > 0 ? `${k} tokens · $${t.costUsd.toFixed(4)}` : `${k} tokens`;
}

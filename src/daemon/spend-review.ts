// The spend cap as the daemon sees it each cycle: worked out by the pure core from the live tasks
// and the settings, and a warning to give when something can spend without a limit — at start
// always, later only when what is uncapped changes (an edit added an agent task, say).
import type { Config } from '../config/schema.js';
import { plannerSpends, spendCapOf, spendWarning } from '../core/spend.js';
import type { RunState, SpendCap } from '../store/schema.js';

/** `agents`: the agent backends in use (PlanIndex.agentsInUse, or agentBackendsInUse on the tasks). */
export function reviewSpendCap(state: RunState, agents: readonly string[], config: Config, atStart: boolean): { cap: SpendCap; warning: string | null } {
  const cap = spendCapOf({
    agents,
    planner: plannerSpends(config),
    usd: config.AURA_RUN_BUDGET_USD,
    tokens: config.AURA_RUN_TOKEN_BUDGET,
  });
  const before = state.spendCap?.uncapped ?? [];
  const changed = cap.uncapped.length !== before.length || cap.uncapped.some((s, i) => s !== before[i]);
  return { cap, warning: atStart || changed ? spendWarning(cap) : null };
}

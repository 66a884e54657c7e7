// The run's spend against its budget, each cycle: finished attempts (kept by the plan index), running
// ones from their live status, the planner's own calls; the transition is core/budget-transition.ts.
import { addUsage, type Totals } from '../core/budget.js';
import { budgetStep } from '../core/budget-transition.js';
import { BUDGET_STOP_REASON } from '../core/tree.js';
import { eventBase, type CycleCtx } from './cycle-ctx.js';
import { liveUsage, readRunnerStatus } from './live-status.js';
import { reviewSpendCap } from './spend-review.js';

export async function checkBudget(x: CycleCtx): Promise<Totals> {
  const b = x.book;
  let totals = b.index.endedUsage();
  for (const w of x.pool.list()) totals = addUsage(totals, liveUsage(await readRunnerStatus(w.attemptDirAbs)));
  totals = addUsage(totals, b.state.planner?.usage);
  const c = x.config;
  const step = budgetStep(totals, { usd: c.AURA_RUN_BUDGET_USD, tokens: c.AURA_RUN_TOKEN_BUDGET, action: c.AURA_RUN_BUDGET_ACTION }, b.state.pause, x.clock.now());
  if (step.kind === 'pause') {
    b.state.pause = step.pause;
    b.record({ kind: 'decision', msg: step.message, data: { state: { pause: step.pause }, totals: { ...totals } } });
    x.notes.add(step.message);
    x.log(step.message);
    if (step.stopWorkers) for (const w of x.pool.list()) void x.pool.stop(w.task, BUDGET_STOP_REASON);
    x.notifier.notify({ kind: 'budget_reached', ...eventBase(x), reason: step.pause.reason });
  } else if (step.kind === 'resume') {
    b.state.pause = null;
    b.record({ kind: 'decision', msg: 'the run budget allows more work again; resuming', data: { state: { pause: null } } });
  }
  return totals;
}

/** What can spend and what caps it; warned at start and whenever the uncapped set changes. */
export function reviewSpend(x: CycleCtx, atStart: boolean): void {
  const { cap, warning } = reviewSpendCap(x.book.state, x.book.index.agentsInUse(x.config.AURA_LAYER2_BACKEND), x.config, atStart);
  const changed = JSON.stringify(cap) !== JSON.stringify(x.book.state.spendCap ?? null);
  x.book.state.spendCap = cap;
  // Journaled with the state, so a reader replaying the journal (aura status) sees it too.
  if (warning) {
    x.book.record({ kind: 'warning', msg: warning, data: { spendCap: cap, state: { spendCap: cap } } });
    x.warn(`warning: ${warning}`);
  } else if (changed) {
    const what = cap.spenders.length === 0 ? 'nothing in this run can spend money' : cap.uncapped.length ? `no cap limits ${cap.uncapped.join(', ')}` : 'every spender is capped';
    x.book.record({ kind: 'daemon', msg: `spend: ${what}`, data: { state: { spendCap: cap } } });
  }
}

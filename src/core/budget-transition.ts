// The run budget against what was spent: pause starting work when a cap is reached, lift that pause
// when the cap allows more again (raised, after a restart). A pause a person asked for is theirs. Pure.
import { budgetExceeded, type Totals } from './budget.js';

export type Pause = { kind: 'budget' | 'user'; reason: string; since: string } | null;

export type BudgetStep =
  | { kind: 'none' }
  | { kind: 'pause'; pause: NonNullable<Pause>; stopWorkers: boolean; message: string }
  | { kind: 'resume' };

export function budgetStep(totals: Totals, caps: { usd: number; tokens: number; action: 'finish' | 'stop' }, pause: Pause, now: Date): BudgetStep {
  const over = budgetExceeded(totals, caps);
  if (over && !pause) {
    const what = caps.action === 'stop' ? 'stopping running workers (their tasks wait)' : 'running workers may finish';
    return {
      kind: 'pause',
      pause: { kind: 'budget', reason: over, since: now.toISOString() },
      stopWorkers: caps.action === 'stop',
      message: `${over}: starting nothing new; ${what}. Raise the budget and restart aura to go on.`,
    };
  }
  if (!over && pause?.kind === 'budget') return { kind: 'resume' };
  return { kind: 'none' };
}

// Who can spend money in a run, and whether a run cap limits them. Pure: the daemon records the
// answer in state.json each cycle, says so at start, and progress.md and `aura status` show it.
//
// Spenders are the agent backends some live task would use (a task without `run:` uses its
// `worker:` or AURA_LAYER2_BACKEND) or already used, and the LLM planner. A shell worker with the
// rules planner spends nothing, so such a run has nothing to say about caps.
import type { Config } from '../config/schema.js';
import type { SpendCap, TaskState } from '../store/schema.js';

export type { SpendCap };

/**
 * Which run caps can limit a spender: a cap binds only what is reported to it. codex and gemini
 * report tokens but no cost; a custom command reports nothing, so no run cap limits it.
 */
const REPORTS: Readonly<Record<string, { usd: boolean; tokens: boolean }>> = {
  claude: { usd: true, tokens: true },
  opencode: { usd: true, tokens: true },
  codex: { usd: false, tokens: true },
  gemini: { usd: false, tokens: true },
  custom: { usd: false, tokens: false },
  planner: { usd: true, tokens: true },
};

export const PLANNER = 'planner';

const isAgent = (name: string): boolean => name !== PLANNER && Object.hasOwn(REPORTS, name);

/** The backend a task would run with: `run:` means the shell worker, whatever `worker:` says. */
export function backendOf(t: Pick<TaskState, 'run' | 'worker'>, defaultBackend: string): string {
  return t.run ? 'shell' : (t.worker ?? defaultBackend);
}

/** Stands for AURA_LAYER2_BACKEND in taskSpenders: the setting is the daemon's, not the task's. */
export const DEFAULT_BACKEND = '';

/**
 * What one task adds to the spenders: the workers its attempts ran, and, while it is a live leaf not
 * yet done, the backend it would start (DEFAULT_BACKEND for "the default"). Archived tasks never run
 * again and add nothing. Kept per task so a daemon can tally it as tasks change.
 */
export function taskSpenders(t: Pick<TaskState, 'status' | 'run' | 'worker' | 'children' | 'attempts'>): string[] {
  if (t.status === 'archived') return [];
  const out = t.attempts.map((a) => a.worker);
  if (t.status !== 'done' && t.children.length === 0) out.push(backendOf(t, DEFAULT_BACKEND));
  return out;
}

/** The agent backends among spender names (DEFAULT_BACKEND read as `defaultBackend`), sorted. */
export function agentsAmong(names: Iterable<string>, defaultBackend: string): string[] {
  const used = new Set<string>();
  for (const n of names) {
    const b = n === DEFAULT_BACKEND ? defaultBackend : n;
    if (isAgent(b)) used.add(b);
  }
  return [...used].sort();
}

/**
 * Agent backends in use: those a live leaf task not yet done would start, and those any live task's
 * attempts already ran (a done task spent what it spent). Archived tasks never run again. Unknown
 * worker names are left out: such a task is blocked and cannot spend.
 */
export function agentBackendsInUse(
  tasks: readonly Pick<TaskState, 'status' | 'run' | 'worker' | 'children' | 'attempts'>[],
  defaultBackend: string,
): string[] {
  return agentsAmong(tasks.flatMap(taskSpenders), defaultBackend);
}

/** Whether the LLM planner runs: AURA_PLANNER=llm, or auto with a key (as the daemon decides). */
export function plannerSpends(c: Pick<Config, 'AURA_PLANNER' | 'AURA_API_KEY'>): boolean {
  return c.AURA_PLANNER === 'llm' || (c.AURA_PLANNER === 'auto' && c.AURA_API_KEY !== undefined);
}

/** The run's caps (0 = none) against its spenders: which of them no cap limits. */
export function spendCapOf(o: { agents: readonly string[]; planner: boolean; usd: number; tokens: number }): SpendCap {
  const usd = o.usd > 0 ? o.usd : null;
  const tokens = o.tokens > 0 ? o.tokens : null;
  const spenders = [...o.agents, ...(o.planner ? [PLANNER] : [])];
  const uncapped = spenders.filter((s) => {
    const r = REPORTS[s] ?? { usd: false, tokens: false };
    return !((usd !== null && r.usd) || (tokens !== null && r.tokens));
  });
  return { usd, tokens, spenders, uncapped };
}

function spenderName(s: string): string {
  return s === PLANNER ? 'the LLM planner' : `${s} workers`;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** What the caps are, e.g. "$5 and 2000000 tokens for the whole run"; null when none is set. */
export function capsText(cap: Pick<SpendCap, 'usd' | 'tokens'>): string | null {
  const parts = [...(cap.usd !== null ? [`$${cap.usd}`] : []), ...(cap.tokens !== null ? [`${cap.tokens} tokens`] : [])];
  return parts.length ? `${parts.join(' and ')} for the whole run` : null;
}

/**
 * The warning to give when something can spend without a limit, null when every spender is
 * capped or nothing spends. Says what to set, since that is the only fix.
 */
export function spendWarning(cap: SpendCap): string | null {
  if (cap.uncapped.length === 0) return null;
  const who = list(cap.uncapped.map(spenderName));
  if (cap.usd === null && cap.tokens === null) {
    return `no spend cap: ${who} can spend without limit; set AURA_RUN_BUDGET_USD or AURA_RUN_TOKEN_BUDGET`;
  }
  const reportsNothing = cap.uncapped.filter((s) => !(REPORTS[s]?.tokens ?? false));
  const tokensOnly = cap.uncapped.filter((s) => REPORTS[s]?.tokens ?? false);
  const why: string[] = [];
  if (tokensOnly.length) why.push(`${list(tokensOnly.map(spenderName))} report no cost, so AURA_RUN_BUDGET_USD does not limit them: set AURA_RUN_TOKEN_BUDGET`);
  if (reportsNothing.length) why.push(`${list(reportsNothing.map(spenderName))} report no usage, so no run budget limits them`);
  return `no spend cap for ${who}: ${why.join('; ')}`;
}

/** One line for people: the warning, else the caps in force, else null (nothing spends). */
export function spendLine(cap: SpendCap | null): string | null {
  if (!cap || cap.spenders.length === 0) return null;
  const warning = spendWarning(cap);
  if (warning) return warning;
  return `spend cap: ${capsText(cap) ?? 'none'}`;
}

// How often to ask the controller. Pure: the executor feeds it what the last call did.
//
// A healthy controller is asked every AURA_SLURM_POLL_SECONDS. A failed call doubles the wait (up to
// AURA_SLURM_POLL_MAX_SECONDS); a slow one (over a quarter of the interval) stretches it to four times
// its own duration, so a busy slurmctld gets fewer requests from aura, not more.

export interface PollPace {
  baseMs: number;
  maxMs: number;
}

export interface LastCall {
  /** Failed calls in a row (0 after a success). */
  failures: number;
  durationMs: number;
}

export function nextPollMs(p: PollPace, last: LastCall): number {
  if (last.failures > 0) return Math.min(p.maxMs, p.baseMs * 2 ** Math.min(last.failures, 20));
  if (last.durationMs > p.baseMs / 4) return Math.min(p.maxMs, Math.max(p.baseMs, last.durationMs * 4));
  return p.baseMs;
}

/**
 * While aura waits for jobs it cancelled it looks sooner (a few calls, then the jobs are gone), but
 * never sooner than a failing or slow controller allows.
 */
export function stoppingPollMs(p: PollPace, last: LastCall): number {
  const next = nextPollMs(p, last);
  return next > p.baseMs ? next : Math.min(next, Math.max(500, Math.min(p.baseMs, 2000)));
}

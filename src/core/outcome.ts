// What happens to a task once the evidence gate has judged its attempt: done, retry later, or failed.
// Pure; the caller applies the returned transition.
import type { Evidence, TaskState } from '../store/schema.js';
import { contractMoved } from './contract.js';
import { countedAttempts } from './tree.js';
import { STALL_PREFIX } from './stall.js';
import { backoffMs, transition } from './transitions.js';

export interface RetryPolicy {
  maxAttempts: number;
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
  /** Stalls of one task before it fails (default: no separate limit). */
  maxStalls?: number;
}

/** Credentials refused: retrying cannot help until a person fixes them. */
function authRefused(t: TaskState): string | null {
  const c = t.attempts[t.attempts.length - 1]?.classification;
  if (c?.kind === 'api_error' && /\b(401|403)\b|auth|api key|x-api-key/i.test(c.message)) return c.message;
  return null;
}

export function afterEvidence(t: TaskState, evidence: Evidence, policy: RetryPolicy, now: Date) {
  const last = t.attempts[t.attempts.length - 1];
  if (evidence.passed) {
    // It met the contract it started with; task.md asks for something else now: that runs too.
    if (last && contractMoved(t, last)) {
      return transition(t, 'pending', `attempt ${last.n} met the contract it started with (${evidence.summary}), but task.md changed what this task must run or produce meanwhile; running again with the new one`, now, {
        notBefore: null,
        attemptBase: t.attempts.length,
      });
    }
    return transition(t, 'done', evidence.summary, now, { notBefore: null });
  }
  const auth = authRefused(t);
  if (auth) {
    return transition(t, 'blocked', `the worker's API credentials were refused (${auth}); fix the key and restart aura, or edit the task`, now, {
      notBefore: null,
      blockedBy: 'auth',
    });
  }
  const stalls = t.attempts.slice(t.attemptBase).filter((a) => a.stopReason?.startsWith(STALL_PREFIX)).length;
  if (policy.maxStalls !== undefined && last?.stopReason?.startsWith(STALL_PREFIX) && stalls >= policy.maxStalls) {
    return transition(t, 'failed', `stalled ${stalls} times (${last.stopReason})`, now, { notBefore: null });
  }
  if (last?.classification?.kind === 'rate_limited') {
    // The provider said when to come back; that is not the task's failure.
    const until = last.classification.retryAt ? new Date(last.classification.retryAt) : new Date(now.getTime() + backoffMs(1, policy.backoffBaseSeconds, policy.backoffMaxSeconds));
    const notBefore = until > now ? until : now;
    return transition(t, 'pending', `rate limited; retrying at ${notBefore.toISOString()}`, now, { notBefore: notBefore.toISOString() });
  }
  const used = countedAttempts(t);
  const lostOnly = t.attempts[t.attempts.length - 1]?.outcome === 'lost';
  if (used >= policy.maxAttempts) {
    return transition(t, 'failed', `failed after ${used} attempt${used === 1 ? '' : 's'}: ${evidence.summary.replace(/^not done: /, '')}`, now, {
      notBefore: null,
    });
  }
  // A worker lost while aura was down is retried at once; real failures back off.
  const delay = lostOnly ? 0 : backoffMs(used, policy.backoffBaseSeconds, policy.backoffMaxSeconds);
  const notBefore = new Date(now.getTime() + delay);
  const when = delay === 0 ? 'now' : `in ${Math.round(delay / 1000)}s`;
  return transition(
    t,
    'pending',
    `attempt ${t.attempts.length} not done (${evidence.summary.replace(/^not done: /, '')}); retry ${used + 1}/${policy.maxAttempts} ${when}`,
    now,
    { notBefore: notBefore.toISOString() },
  );
}

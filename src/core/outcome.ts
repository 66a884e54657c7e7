// What happens to a task once the evidence gate has judged its attempt: done, retry later, or failed.
// Pure; the caller applies the returned transition.
import type { Evidence, TaskState } from '../store/schema.js';
import { countedAttempts } from './tree.js';
import { backoffMs, transition } from './transitions.js';

export interface RetryPolicy {
  maxAttempts: number;
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
}

export function afterEvidence(t: TaskState, evidence: Evidence, policy: RetryPolicy, now: Date) {
  if (evidence.passed) return transition(t, 'done', evidence.summary, now, { notBefore: null });
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

// The watchdog's verdicts applied: the figures on the attempt and in the journal, the tree stopped;
// when the attempt's end comes in, the escalation (watchdog/escalation.ts, pure) decides: 1st kill
// retry with guidance, 2nd blocked + a resource-fix subtask, 3rd failed.
import { judgedBy } from '../core/contract.js';
import { judge, roundBaseline } from '../core/evidence.js';
import { currentAttempt, WATCHDOG_PREFIX } from '../core/tree.js';
import type { Attempt, TaskState } from '../store/schema.js';
import { resourceLine, type KillVerdict, type Watchdog } from '../watchdog/index.js';
import type { PoolPort } from './ports.js';
import { gatherArtifacts } from './artifacts.js';
import { eventBase, hashLimits, type CycleCtx } from './cycle-ctx.js';
import { resourceFixSubtask, watchdogEscalation } from './resource-fix.js';

/** Live resource lines per running task, from the watchdog's last polls (and a batch system's). */
export function resourceLines(watchdog: Pick<Watchdog, 'snapshot'>, pool: Pick<PoolPort, 'remoteResources'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of watchdog.snapshot().workers) out[w.taskId] = resourceLine(w);
  return { ...out, ...(pool.remoteResources?.() ?? {}) };
}

/** A sustained violation: record the figures on the attempt and stop the tree. */
export function watchdogKill(x: CycleCtx, task: string, v: KillVerdict): void {
  const t = x.book.state.tasks[task];
  const a = t ? currentAttempt(t) : undefined;
  if (!t || !a || a.endedAt) return;
  const t2 = x.book.setAttempt(t, { ...a, stopData: { ...v } });
  // The figures ride with the task's snapshot: the escalation after a restart still has them.
  x.book.record({ kind: 'decision', task, msg: `watchdog: ${v.message}; stopping ${task}`, data: { verdict: { ...v }, task: t2 } });
  x.log(`${task}: watchdog: ${v.message}; stopping it`);
  x.notifier.notify({ kind: 'watchdog_kill', ...eventBase(x), taskId: task, title: t.title, message: v.message });
  void x.pool.stop(task, `${WATCHDOG_PREFIX}: ${v.message}`);
}

export async function escalateWatchdog(x: CycleCtx, t: TaskState, a: Attempt): Promise<void> {
  const b = x.book;
  const esc = watchdogEscalation(t, a);
  const contract = judgedBy(t, a);
  const facts = await gatherArtifacts(x.layout.project, contract.produces, hashLimits(x.config));
  const judged = judge({ attempt: { ...a, ...roundBaseline(t, a) }, artifacts: facts, verify: null, hasVerify: !!contract.verify, now: x.clock.now() });
  const evidence = { ...judged, summary: `not done: ${esc.action === 'retry' ? esc.guidance : esc.reason}` };
  const t2 = b.setAttempt(t, { ...a, evidence });
  b.record({ kind: 'evidence', task: t.id, msg: evidence.summary, data: { attempt: a.n, evidence, escalation: esc.action } });
  if (esc.action === 'retry') {
    b.put(t2, 'pending', `stopped by the watchdog (${(a.stopData as KillVerdict | null)?.message ?? a.stopReason}); retrying once with guidance`, { notBefore: null });
  } else if (esc.action === 'fail') {
    b.put(t2, 'failed', esc.reason);
  } else {
    const sub = resourceFixSubtask(b.state, t2, esc.subtask, x.clock.now());
    b.setTask(sub);
    b.record({ kind: 'status', task: sub.id, to: 'pending', msg: `resource-fix subtask created for ${t.id}`, data: { task: sub } });
    b.put({ ...t2, children: [...t2.children, sub.id] }, 'blocked', `${WATCHDOG_PREFIX}: ${esc.reason}; waiting for its resource-fix subtask ${sub.id}`, {
      blockedBy: 'watchdog',
    });
  }
}

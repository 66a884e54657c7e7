// A worker ended: what its runner recorded and its stream said (I/O here), what that means
// (core/attempt-end.ts, pure), then the step it leads to.
import path from 'node:path';
import { attemptEnd } from '../core/attempt-end.js';
import { currentAttempt } from '../core/tree.js';
import { readFileTail } from '../util/tail-file.js';
import { resolveWorker, type ResolvedWorker } from '../workers/registry.js';
import type { CycleCtx } from './cycle-ctx.js';
import { conclude, type EvidenceJobs } from './evidence-jobs.js';
import { readExitFile, type WorkerExit } from './pool.js';
import { escalateWatchdog } from './watchdog-steps.js';
import { keepUnverified } from './worktree-step.js';

function classifierFor(x: CycleCtx, workerName: string): ResolvedWorker['classify'] {
  if (workerName === 'shell') return undefined;
  const w = resolveWorker({ worker: workerName }, x.config, x.env, x.uid);
  return 'problem' in w ? undefined : w.classify;
}

export async function takeExit(x: CycleCtx, evidence: EvidenceJobs, e: WorkerExit): Promise<void> {
  const b = x.book;
  const t = b.state.tasks[e.task];
  const a = t ? currentAttempt(t) : undefined;
  if (!t || !a || a.n !== e.attempt || a.endedAt) return;
  x.watchdog.untrack(t.id);
  // The runner's record holds the worker's own exit status and its stream summary; without it (the
  // runner itself was killed) only the runner's status is known.
  const dir = path.join(x.layout.root, a.dir);
  const record = await readExitFile(dir);
  const exit = record ? { code: record.code, signal: record.signal } : e.exit;
  const classify = classifierFor(x, a.worker);
  // A CLI that fails at start-up says why on stderr only (claude as root without IS_SANDBOX, say).
  const stderr = classify && record?.summary ? (await readFileTail(path.join(dir, 'stderr.log'), 2000)).trim() : '';
  const classification =
    classify && record?.summary ? classify(record.summary, { ...(exit ?? { code: null, signal: null }), ...(stderr ? { stderr } : {}) }, e.stopReason) : null;
  const end = attemptEnd({
    task: t,
    attempt: a,
    record: record ? { code: record.code, signal: record.signal, usage: record.summary?.usage ?? null, ...(record.spawnError ? { spawnError: record.spawnError } : {}) } : null,
    exit: e.exit,
    stopReason: e.stopReason,
    classification,
    adopted: e.adopted,
    killedByUser: x.killed.has(t.id),
    now: x.clock.now(),
    ...(e.remote ? { remote: e.remote } : {}),
  });
  const t2 = b.setAttempt(t, end.ended);
  b.record({ kind: 'attempt', task: t.id, msg: `attempt ${a.n} ${end.how}${e.adopted ? ' (adopted worker)' : ''}`, data: { task: t2 } });
  const next = end.next;
  switch (next.kind) {
    case 'ignore':
      return; // archived or ticked meanwhile: recorded, nothing to judge
    case 'requeue':
      // Interrupted by aura itself: not the task's fault, not counted; it starts again later.
      await keepUnverified(x, t2, end.ended);
      b.put(t2, 'pending', next.reason, { notBefore: null });
      return;
    case 'fail':
      x.killed.delete(t.id);
      await keepUnverified(x, t2, end.ended);
      b.put(t2, 'failed', next.reason, { notBefore: null });
      return;
    case 'watchdog':
      await escalateWatchdog(x, t2, end.ended);
      return;
    case 'verify':
      evidence.start(b.put(t2, 'verifying', 'worker exited 0; checking the evidence'), end.ended);
      return;
    case 'conclude':
      await conclude(x, t2, end.ended);
  }
}

// aura kill / retry / pause / resume, applied by the daemon at the start of a cycle. Each answers
// the shell that asked with what was done (or why not) and journals it.
import type { JournalDraft } from '../core/transitions.js';
import type { RunState, TaskState } from '../store/schema.js';
import type { CycleCtx } from './cycle-ctx.js';

/** A person's request from another shell, applied at the start of a cycle. */
export interface OperatorRequest {
  cmd: 'kill' | 'retry' | 'pause' | 'resume';
  task?: string;
  reason?: string;
  done: (r: { ok: boolean; message: string }) => void;
}

export interface OperatorHost {
  state(): RunState;
  put(t: TaskState, to: TaskState['status'], reason: string, patch?: Partial<TaskState>): TaskState;
  journal(d: JournalDraft): void;
  stopWorker(task: string, reason: string): void;
  /** Tasks the user killed: when their attempt ends the task fails instead of being retried. */
  killed(): Set<string>;
  /** The current id of a task task.md renamed to `id` while it ran (the rename waits), or null. */
  renamedFrom?(id: string): string | null;
}

/** The cycle's side of a request: its run book, its pool, and task.md's pending renames. */
export function operatorHostOf(x: CycleCtx, renamedFrom: (id: string) => string | null): OperatorHost {
  return {
    state: () => x.book.state,
    put: (t, to, reason, patch) => x.book.put(t, to, reason, patch),
    journal: (d) => x.book.record(d),
    stopWorker: (task, reason) => void x.pool.stop(task, reason),
    killed: () => x.killed,
    renamedFrom,
  };
}

/** Applies the requests, then answers each once its effect is on disk (commit). */
export async function answerRequests(h: OperatorHost, requests: OperatorRequest[], commit: () => Promise<void>): Promise<void> {
  if (requests.length === 0) return;
  const answered = requests.map((r) => ({ r, reply: applyOperatorRequest(h, r) }));
  await commit();
  for (const a of answered) a.r.done(a.reply);
}

export function applyOperatorRequest(h: OperatorHost, r: OperatorRequest): { ok: boolean; message: string } {
  const state = h.state();
  const by = r.reason ? ` (${r.reason})` : '';
  if (r.cmd === 'pause') {
    if (state.pause) {
      // Even a request that changes nothing is on record once it has been answered.
      h.journal({ kind: 'decision', msg: `aura pause${by}: already paused (${state.pause.reason})` });
      return { ok: true, message: `already paused: ${state.pause.reason}` };
    }
    state.pause = { kind: 'user', reason: `paused by aura pause${by}`, since: new Date().toISOString() };
    h.journal({ kind: 'decision', msg: `paused by the user${by}: nothing new starts; running workers go on`, data: { state: { pause: state.pause } } });
    return { ok: true, message: 'paused: nothing new starts; running workers go on' };
  }
  if (r.cmd === 'resume') {
    const p = state.pause;
    if (!p) {
      h.journal({ kind: 'decision', msg: `aura resume${by}: not paused` });
      return { ok: true, message: 'not paused' };
    }
    if (p.kind === 'budget') return { ok: false, message: `paused by the run budget (${p.reason}); raise the budget and restart aura` };
    state.pause = null;
    h.journal({ kind: 'decision', msg: `resumed by the user${by}`, data: { state: { pause: null } } });
    return { ok: true, message: 'resumed' };
  }
  const t = r.task ? state.tasks[r.task] : undefined;
  if (!t) {
    const old = r.task ? h.renamedFrom?.(r.task) : null;
    if (old) return { ok: false, message: `"${r.task}" is the new id task.md gives ${old}; it takes effect when ${old}'s worker ends, until then use aura ${r.cmd} ${old}` };
    return { ok: false, message: `no task "${r.task ?? ''}" (aura status lists the ids)` };
  }
  if (r.cmd === 'kill') {
    if (t.status !== 'running' && t.status !== 'verifying') return { ok: false, message: `${t.id} is ${t.status}, not running` };
    h.journal({ kind: 'decision', task: t.id, msg: `killed by the user${by}` });
    h.stopWorker(t.id, `killed by the user (aura kill)${by}`);
    h.killed().add(t.id);
    return { ok: true, message: `stopping ${t.id}; it will not be retried until aura retry ${t.id}` };
  }
  // retry
  if (t.status === 'running' || t.status === 'verifying') return { ok: false, message: `${t.id} is ${t.status}; kill it first` };
  if (t.status === 'archived') return { ok: false, message: `${t.id} was removed from task.md; put it back there to run it again` };
  h.killed().delete(t.id);
  h.put(t, 'pending', `retry asked by the user${by}; attempts counted afresh`, { attemptBase: t.attempts.length, notBefore: null });
  return { ok: true, message: `${t.id} is pending again and starts when its dependencies allow` };
}

// What the LLM planner sees of the cycle: a narrow interface over the Cycle's methods, and the
// one-line descriptions of journal drafts that make up "what changed since your last cycle".
import type { JournalDraft } from '../core/transitions.js';
import type { WorkerDigest } from '../planner/context.js';
import { workerProblem } from '../workers/registry.js';
import type { TaskState } from '../store/schema.js';
import type { CycleCtx } from './cycle-ctx.js';
import type { PlannerCycle } from './planner-port.js';
import { readRunnerStatus } from './live-status.js';

/** A change worth the model's attention, in one line; null for wakes, daemon notices and its own record. */
export function describeChange(d: JournalDraft): string | null {
  // Attempt records pair with the status changes that matter; a clean exit (→ verifying) has
  // nothing to decide until its evidence is in.
  if (d.kind === 'wake' || d.kind === 'daemon' || d.kind === 'planner' || d.kind === 'attempt') return null;
  if (d.kind === 'status') {
    if (d.from === d.to || d.to === 'verifying') return null; // notes, snapshots, evidence pending: not news
    return `${d.task}: ${d.from ?? 'new'} → ${d.to} (${d.msg})`;
  }
  return `${d.kind}${d.task ? ` ${d.task}` : ''}: ${d.msg}`;
}

export interface BridgeDeps {
  x: CycleCtx;
  spawn(t: TaskState): Promise<void>;
  holdReason(): string | null;
  resources(): Record<string, string>;
  stallSuspected(task: string): boolean;
  safeModeEvent(entered: boolean, reason: string): void;
}

export function plannerCycle(d: BridgeDeps): PlannerCycle {
  const { x } = d;
  const b = x.book;
  return {
    state: () => b.state,
    put: (t, to, reason, patch) => b.put(t, to, reason, patch),
    setTask: (t) => b.setTask(t),
    journal: (draft) => b.record(draft),
    spawn: (t) => d.spawn(t),
    stop: (task, reason) => void x.pool.stop(task, reason),
    workerProblem: (t) => workerProblem(t, x.config, x.env, x.uid),
    holdReason: () => d.holdReason(),
    workers: async () => {
      const now = x.clock.now().getTime();
      const res = d.resources();
      const out: WorkerDigest[] = [];
      for (const w of x.pool.list()) {
        const s = await readRunnerStatus(w.attemptDirAbs);
        const u = s?.summary?.usage;
        const t = b.state.tasks[w.task];
        out.push({
          task: w.task,
          worker: t?.worker ?? (t?.run ? 'shell' : x.config.AURA_LAYER2_BACKEND),
          attempt: w.attempt,
          elapsedS: s ? (now - Date.parse(s.startedAt)) / 1000 : 0,
          lastOutputAgoS: s?.lastOutputAt ? (now - Date.parse(s.lastOutputAt)) / 1000 : null,
          events: s?.summary?.events ?? 0,
          toolCalls: s?.summary?.toolCalls ?? 0,
          tokens: u && typeof u.inputTokens === 'number' ? u.inputTokens + u.outputTokens : null,
          costUsd: u?.costUsd ?? null,
          lastText: s?.summary?.lastText ?? null,
          resources: res[w.task] ?? null,
          stallSuspected: d.stallSuspected(w.task),
        });
      }
      return out;
    },
    log: (line) => x.log(line),
    note: (msg) => x.notes.add(msg),
    safeModeEvent: (entered, reason) => d.safeModeEvent(entered, reason),
  };
}

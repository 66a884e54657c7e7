// What the LLM planner sees of the cycle: a narrow interface over the Cycle's methods, and the
// one-line descriptions of journal drafts that make up "what changed since your last cycle".
import type { JournalDraft } from '../core/transitions.js';
import type { WorkerDigest } from '../planner/context.js';
import { workerProblem } from '../workers/registry.js';
import type { Cycle } from './cycle.js';
import type { PlannerCycle } from './llm-planner.js';
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

export function plannerCycle(c: Cycle, env: NodeJS.ProcessEnv): PlannerCycle {
  const uid = process.getuid?.() ?? -1;
  return {
    state: () => c.state,
    put: (t, to, reason, patch) => c.put(t, to, reason, patch),
    setTask: (t) => c.setTask(t),
    journal: (d) => c.journalNow(d),
    spawn: (t) => c.spawn(t),
    stop: (task, reason) => void c.pool.stop(task, reason),
    workerProblem: (t) => workerProblem(t, c.config, env, uid),
    holdReason: () => c.holdReason(),
    workers: async () => {
      const now = Date.now();
      const res = c.resources();
      const out: WorkerDigest[] = [];
      for (const w of c.pool.list()) {
        const s = await readRunnerStatus(w.attemptDirAbs);
        const u = s?.summary?.usage;
        out.push({
          task: w.task,
          worker: c.state.tasks[w.task]?.worker ?? (c.state.tasks[w.task]?.run ? 'shell' : c.config.AURA_LAYER2_BACKEND),
          attempt: w.attempt,
          elapsedS: s ? (now - Date.parse(s.startedAt)) / 1000 : 0,
          lastOutputAgoS: s?.lastOutputAt ? (now - Date.parse(s.lastOutputAt)) / 1000 : null,
          events: s?.summary?.events ?? 0,
          toolCalls: s?.summary?.toolCalls ?? 0,
          tokens: u && typeof u.inputTokens === 'number' ? u.inputTokens + u.outputTokens : null,
          costUsd: u?.costUsd ?? null,
          lastText: s?.summary?.lastText ?? null,
          resources: res[w.task] ?? null,
          stallSuspected: c.stalls.isSuspect(w.task),
        });
      }
      return out;
    },
    log: (line) => c.log(line),
    note: (msg) => c.note(msg),
    safeModeEvent: (entered, reason) => c.safeModeEvent(entered, reason),
  };
}

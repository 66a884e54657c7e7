// Which worker runs a task, and whether one can. Shell commands (`run:`) always can; the agent
// backends are not built yet, and a task that needs one is blocked with a message that says so
// instead of failing silently.
import type { TaskState } from '../store/schema.js';

export type Backend = 'claude' | 'codex' | 'opencode' | 'gemini' | 'shell' | 'custom';

export function backendFor(t: Pick<TaskState, 'run' | 'worker'>, defaultBackend: Backend): Backend | string {
  if (t.run) return 'shell';
  return t.worker ?? defaultBackend;
}

export function workerProblem(t: Pick<TaskState, 'run' | 'worker'>, defaultBackend: Backend): string | null {
  if (t.run) return null;
  const b = backendFor(t, defaultBackend);
  if (b === 'shell') return 'the shell worker needs a command: add a `run:` setting to this task';
  return `no worker can do this task yet: it has no \`run:\` command and the agent worker "${b}" is not available in this version of aura; add a \`run:\` command`;
}

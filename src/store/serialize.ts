// state.json's text, made without re-serialising 20,000 unchanged tasks on every snapshot: each task's
// JSON is kept by the task object it was made from (tasks are replaced, never edited in place, when
// they change) and made again for every task the caller says changed. The result is byte for byte
// JSON.stringify(state) + '\n' (tested): the same keys in the same order.
import type { RunState, TaskState } from './schema.js';

/** Compact: at 20,000 tasks indentation alone was a third of the file, and people read progress.md. */
export function serializeState(state: RunState): string {
  return JSON.stringify(state) + '\n';
}

/** Stands for the tasks in the run's own JSON; no other key can hold it (NULs, and the key is ours). */
const MARK = '\u0000aura-tasks\u0000';
const HOLE = `"tasks":${JSON.stringify(MARK)}`;

export class StateSerializer {
  private cache = new WeakMap<TaskState, string>();

  /** `changed`: ids whose JSON is made again whatever the cache holds (belt and braces). */
  text(state: RunState, changed?: ReadonlySet<string>): string {
    const parts: string[] = [];
    for (const [id, t] of Object.entries(state.tasks)) {
      let json = changed?.has(id) ? undefined : this.cache.get(t);
      if (json === undefined) {
        json = JSON.stringify(t);
        this.cache.set(t, json);
      }
      parts.push(`${JSON.stringify(id)}:${json}`);
    }
    const shell = JSON.stringify({ ...state, tasks: MARK });
    const at = shell.indexOf(HOLE);
    return `${shell.slice(0, at)}"tasks":{${parts.join(',')}}${shell.slice(at + HOLE.length)}\n`;
  }
}

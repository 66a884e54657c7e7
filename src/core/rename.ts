// Renaming a task: its explicit `id:` changed in task.md (A → A2), or a state written before the goal
// was the root gets its old goal task renamed to `goal`. Pure. History stays: attempts keep their
// directories (each attempt records its own), parents, children and every `needs` follow the new id.
import type { TaskState } from '../store/schema.js';

export function renameTask(tasks: Record<string, TaskState>, from: string, to: string): Record<string, TaskState> {
  const t = tasks[from];
  if (!t || from === to || tasks[to]) return tasks;
  const swap = (id: string) => (id === from ? to : id);
  const out: Record<string, TaskState> = {};
  for (const [id, k] of Object.entries(tasks)) {
    const touched = k.parent === from || k.children.includes(from) || k.needs.includes(from);
    const next = touched ? { ...k, parent: k.parent === null ? null : swap(k.parent), children: k.children.map(swap), needs: k.needs.map(swap) } : k;
    out[id === from ? to : id] = id === from ? { ...next, id: to } : next;
  }
  return out;
}

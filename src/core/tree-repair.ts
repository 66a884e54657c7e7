// Keeping the task tree whole after task.md changed it: archived tasks leave their parent's list of
// children, and a group aura checked goes back to pending when it gains an open subtask. Pure.
import type { TaskState } from '../store/schema.js';
import { GOAL_ID } from './tree.js';

/** An archived task leaves its parent's list of children, so the parent is a leaf again if it was one. */
export function detachArchived(tasks: Record<string, TaskState>): void {
  for (const [id, t] of Object.entries(tasks)) {
    if (t.status === 'archived' || t.children.length === 0) continue;
    const kids = t.children.filter((c) => tasks[c] !== undefined && tasks[c]!.status !== 'archived');
    if (kids.length !== t.children.length) tasks[id] = { ...t, children: kids };
  }
}

/**
 * A group aura checked is done only while all its subtasks are: one that gained a new or reopened
 * subtask goes back to pending (children first, so the root follows its groups). Ticks stay the person's.
 */
export function reopenGroups(
  tasks: Record<string, TaskState>,
  put: (t: TaskState, to: TaskState['status'], reason: string, patch?: Partial<TaskState>) => void,
): void {
  const seen = new Set<string>();
  const visit = (id: string): void => {
    const t = tasks[id];
    if (!t || seen.has(id)) return;
    seen.add(id);
    t.children.forEach(visit);
    const open = t.children.map((c) => tasks[c]).find((k) => k !== undefined && k.status !== 'done' && k.status !== 'archived');
    const cur = tasks[id] as TaskState;
    if (cur.status === 'done' && !cur.userChecked && open) put(cur, 'pending', `subtask ${open.id} is not done any more`);
  };
  visit(GOAL_ID);
}

// The task tree in task.md order, split into live tasks and archived ones (removed from task.md).
// Shared by the view and `status --json` so both show the same tasks in the same places.
import { effectiveStatus, goalTask, topLevelIds } from '../core/tree.js';
import type { RunState, TaskState, TaskStatus } from '../store/schema.js';

export interface TaskNode {
  task: TaskState;
  /** What the task is doing as shown: a pending group with a worker running under it is running. */
  status: TaskStatus;
  children: TaskNode[];
  /** Tasks in its subtree, itself included (the tree's shape is fixed once built). */
  size: number;
}

export interface TaskForest {
  /** Non-archived tasks, nested, in file order. */
  live: TaskNode[];
  /** Archived tasks, nested only under archived parents. */
  archived: TaskNode[];
}

/**
 * Walks the top level (the goal's children, or the goal itself while it is the one task) and each
 * task's children. State written by other code may be imperfect, so the
 * walk is defensive: unknown ids are skipped, a cycle is cut, a live task under an archived parent
 * is lifted into the live tree where its parent stood, an archived task under a live parent goes
 * to the archived list, and tasks no root reaches are appended rather than hidden.
 */
/** 1 + the sizes of `children`: a node's size from its children's. */
function sizeOf(children: readonly TaskNode[]): number {
  let n = 1;
  for (const c of children) n += c.size;
  return n;
}

export function taskForest(state: RunState): TaskForest {
  const seen = new Set<string>();
  const forest: TaskForest = { live: [], archived: [] };

  const walk = (ids: readonly string[]): TaskForest => {
    const out: TaskForest = { live: [], archived: [] };
    for (const id of ids) {
      const task = state.tasks[id];
      if (!task || seen.has(id)) continue;
      seen.add(id);
      if (task.children.length === 0) {
        if (task.status === 'archived') out.archived.push({ task, status: task.status, children: [], size: 1 });
        else out.live.push({ task, status: effectiveStatus(state, task), children: [], size: 1 });
        continue;
      }
      const sub = walk(task.children);
      if (task.status === 'archived') {
        out.archived.push({ task, status: task.status, children: sub.archived, size: sizeOf(sub.archived) });
        out.live.push(...sub.live);
      } else {
        out.live.push({ task, status: effectiveStatus(state, task), children: sub.live, size: sizeOf(sub.live) });
        out.archived.push(...sub.archived);
      }
    }
    return out;
  };

  const add = (part: TaskForest): void => {
    forest.live.push(...part.live);
    forest.archived.push(...part.archived);
  };

  // The goal heads the page; while it is a group its line is the goal, not a task.
  const top = topLevelIds(state);
  const root = goalTask(state);
  if (root && !top.includes(root.id)) seen.add(root.id);
  add(walk(top));
  // Unreached tasks: start from those whose parent is missing or already placed, so orphaned
  // subtrees keep their shape; whatever is left after that (a parent cycle) goes in as-is.
  const rest = () => Object.keys(state.tasks).filter((id) => !seen.has(id));
  const left = rest();
  if (left.length === 0) return forest;
  const tops = left.filter((id) => {
    const parent = state.tasks[id]?.parent ?? null;
    return parent === null || !state.tasks[parent] || seen.has(parent);
  });
  add(walk(tops));
  add(walk(rest()));
  return forest;
}

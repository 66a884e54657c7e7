// Bounding the task listing of a large run (issue 13). While a run is small, progress.md and `aura
// status` list every task. Past a limit, what needs no attention folds: a run of finished sibling
// subtrees becomes one line ("✓ 1,834 tasks done: t1 … t1834"), and the listing stops at the limit
// with a count of the tasks left out (`aura status --json` has every one). Tasks that are not done
// keep their own lines first-come in tree order, so running, failing and blocked work stays visible
// for as long as the limit allows (and the "needs attention" line names failures regardless). Pure.
// Generic over the tree it lists: the view lists TaskNodes (tree.ts) and makes a TaskView only for
// the tasks it shows, so a render costs what it lists, not what the run holds.
import type { TaskStatus } from '../store/schema.js';
import { thousands } from './format.js';

/** What the listing needs of a task: its status as shown, and its subtasks. */
export interface Listable<T> {
  status: TaskStatus;
  children: readonly T[];
}

export type ListItem<T> =
  /** One task's own line(s); its children, if listed, are items of their own after it. */
  | { kind: 'task'; task: T; depth: number }
  /** Consecutive siblings whose whole subtrees are done: `tasks` counts every task in them. */
  | { kind: 'done'; depth: number; tasks: number; first: T; last: T }
  /** The listing stopped at the limit: this many tasks are not shown. */
  | { kind: 'more'; depth: number; tasks: number };

/** Tasks in these trees, subtasks included. */
export function countTasks<T extends Listable<T>>(views: readonly T[]): number {
  let n = 0;
  for (const t of views) n += 1 + countTasks(t.children);
  return n;
}

function allDone<T extends Listable<T>>(t: T): boolean {
  return t.status === 'done' && t.children.every(allDone);
}

/** The listing: every task when there are at most `max`, else folded and cut to at most `max` + 1 items. */
export function listTasks<T extends Listable<T>>(views: readonly T[], max: number): ListItem<T>[] {
  const out: ListItem<T>[] = [];
  if (countTasks(views) <= max) {
    const all = (ts: readonly T[], depth: number): void => {
      for (const t of ts) {
        out.push({ kind: 'task', task: t, depth });
        all(t.children, depth + 1);
      }
    };
    all(views, 0);
    return out;
  }
  let left = max;
  let hidden = 0;
  const fold = (ts: readonly T[], depth: number): void => {
    for (let i = 0; i < ts.length; ) {
      const t = ts[i]!;
      if (allDone(t)) {
        let j = i;
        let n = 0;
        while (j < ts.length && allDone(ts[j]!)) n += countTasks([ts[j++]!]);
        if (left > 0) {
          left--;
          out.push(n === 1 ? { kind: 'task', task: t, depth } : { kind: 'done', depth, tasks: n, first: t, last: ts[j - 1]! });
        } else hidden += n;
        i = j;
        continue;
      }
      if (left > 0) {
        left--;
        out.push({ kind: 'task', task: t, depth });
        fold(t.children, depth + 1);
      } else hidden += countTasks([t]);
      i++;
    }
  };
  fold(views, 0);
  if (hidden > 0) out.push({ kind: 'more', depth: 0, tasks: hidden });
  return out;
}

/** "1,834 tasks done: `t1` … `t1834`" in the caller's markup for ids. */
export function doneRunText(item: Extract<ListItem<{ id: string }>, { kind: 'done' }>, id: (s: string) => string): string {
  const span = item.first.id === item.last.id ? `${id(item.first.id)} and its subtasks` : `${id(item.first.id)} … ${id(item.last.id)}`;
  return `${thousands(item.tasks)} tasks done: ${span}`;
}

export function moreText(item: Extract<ListItem<unknown>, { kind: 'more' }>): string {
  return `… and ${thousands(item.tasks)} more ${item.tasks === 1 ? 'task' : 'tasks'} not listed here (aura status --json lists every task)`;
}

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

/** What the listing needs of a task: its status as shown, its subtasks, and how many tasks its subtree holds when known. */
export interface Listable<T> {
  status: TaskStatus;
  children: readonly T[];
  /** Tasks in the subtree, itself included (the task tree's nodes know it: counting is then no walk). */
  size?: number;
}

export type ListItem<T> =
  /** One task's own line(s); its children, if listed, are items of their own after it. */
  | { kind: 'task'; task: T; depth: number }
  /** Consecutive siblings whose whole subtrees are done: `tasks` counts every task in them. */
  | { kind: 'done'; depth: number; tasks: number; first: T; last: T }
  /** The listing stopped at the limit: this many tasks are not shown. */
  | { kind: 'more'; depth: number; tasks: number };

/**
 * Where runs of finished siblings end, known without stepping over them (done-runs.ts); the listing
 * walks the siblings itself where the finder knows nothing (undefined, null).
 */
export interface DoneRunFinder<T> {
  /** Whether every task in its subtree is done. */
  allDone(t: T): boolean | undefined;
  /** From siblings[i], whose subtree is all done: where the run of such siblings ends, and the tasks in it. */
  run(siblings: readonly T[], i: number): { end: number; tasks: number } | null;
}

/** Tasks in these trees, subtasks included. */
export function countTasks<T extends Listable<T>>(views: readonly T[]): number {
  let n = 0;
  for (const t of views) n += sizeOf(t);
  return n;
}

const sizeOf = <T extends Listable<T>>(t: T): number => t.size ?? 1 + countTasks(t.children);

function allDone<T extends Listable<T>>(t: T): boolean {
  return t.status === 'done' && t.children.every(allDone);
}

/**
 * The listing: every task when there are at most `max`, else folded and cut to at most `max` + 1
 * items. `total`: countTasks(views), when the caller knows it. Stops walking once the limit is
 * reached (the tasks left out are the total less those listed), so past the done runs it scans, a
 * listing costs what it shows, not what the run holds; with `runs`, the done runs it passes cost
 * nothing either.
 */
export function listTasks<T extends Listable<T>>(views: readonly T[], max: number, total = countTasks(views), runs?: DoneRunFinder<T>): ListItem<T>[] {
  const out: ListItem<T>[] = [];
  if (total <= max) {
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
  let listed = 0;
  /** false once the limit is reached: nothing more is listed. */
  const fold = (ts: readonly T[], depth: number): boolean => {
    for (let i = 0; i < ts.length; ) {
      if (left === 0) return false;
      left--;
      const t = ts[i]!;
      if (runs?.allDone(t) ?? allDone(t)) {
        let j = i;
        let n = 0;
        const known = runs?.run(ts, i);
        if (known) ({ end: j, tasks: n } = known);
        else while (j < ts.length && allDone(ts[j]!)) n += sizeOf(ts[j++]!);
        listed += n;
        out.push(n === 1 ? { kind: 'task', task: t, depth } : { kind: 'done', depth, tasks: n, first: t, last: ts[j - 1]! });
        i = j;
        continue;
      }
      listed++;
      out.push({ kind: 'task', task: t, depth });
      if (!fold(t.children, depth + 1)) return false;
      i++;
    }
    return true;
  };
  fold(views, 0);
  if (total > listed) out.push({ kind: 'more', depth: 0, tasks: total - listed });
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

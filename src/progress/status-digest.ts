// The status cache's content: a stopped run's view facts (facts.ts) with the task listing already
// folded and cut for `aura status`, so reading it costs what the status shows (a hundred tasks), not
// what the run holds (20,000 tasks, tens of MB of state). Free of the clock: the CLI formats it at
// its own `now`, through the same statusText as every other path. Pure.
//
// It answers only for the status text: a listing at another length, or the whole tree, throws (the
// caller then reads the run itself).
import type { ListItem } from './compact.js';
import type { Listed, TaskListing, ViewFacts } from './facts.js';
import { REMOVED_NAMED, STATUS_TASKS_MAX } from './terminal.js';

/** Bumped whenever ViewFacts changes shape or meaning: a cache from another version is ignored. */
export const DIGEST_VERSION = 1;

export interface StatusDigest {
  v: number;
  listMax: number;
  facts: Omit<ViewFacts, 'tasks' | 'removed'>;
  tasks: { roots: number; count: number; ids: string[]; items: ListItem<Listed>[] };
  removed: { roots: number; count: number; ids: string[]; items: ListItem<Listed>[] };
}

/**
 * A listed task as its line needs it (task-view.ts listedView): neither a group's subtree nor its
 * record's list of child ids is in it (its listed children are items of their own).
 */
const lineOf = (n: Listed): Listed => ({ task: n.task.children.length ? { ...n.task, children: [] } : n.task, status: n.status });

function itemOf(i: ListItem<Listed>): ListItem<Listed> {
  if (i.kind === 'task') return { ...i, task: lineOf(i.task) };
  if (i.kind === 'done') return { ...i, first: lineOf(i.first), last: lineOf(i.last) };
  return i;
}

function keep(l: TaskListing, items: boolean): StatusDigest['tasks'] {
  // The listing's items are the tree's nodes: serialised as they are, a listed group carried its
  // whole subtree (a group of 6,000 tasks made the cache 2.5 MB, and it is written after every commit).
  return { roots: l.roots, count: l.count, ids: l.rootIds(REMOVED_NAMED), items: items ? l.list(STATUS_TASKS_MAX).map(itemOf) : [] };
}

export function digestOf(f: ViewFacts): StatusDigest {
  const { tasks, removed, ...rest } = f;
  // Removed tasks show only as ids in the status text.
  return { v: DIGEST_VERSION, listMax: STATUS_TASKS_MAX, facts: rest, tasks: keep(tasks, true), removed: keep(removed, false) };
}

function listing(d: StatusDigest['tasks'], listMax: number): TaskListing {
  return {
    roots: d.roots,
    count: d.count,
    rootIds: (max) => {
      if (max > d.ids.length && d.ids.length < d.roots) throw new Error(`the status cache names ${d.ids.length} tasks, not ${max}`);
      return d.ids.slice(0, max);
    },
    list: (max) => {
      if (max !== listMax) throw new Error(`the status cache lists ${listMax} tasks, not ${max}`);
      return d.items;
    },
    all: () => {
      throw new Error('the status cache does not hold the whole tree');
    },
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function plausibleList(v: unknown): v is StatusDigest['tasks'] {
  return isObj(v) && isNum(v.roots) && isNum(v.count) && Array.isArray(v.ids) && Array.isArray(v.items) && v.items.every((i) => isObj(i) && typeof i.kind === 'string');
}

/**
 * The facts back from a parsed cache, or null when it is not one this version wrote. A shape check,
 * not a proof: the cache's checksum (store/status-cache.ts) says it is whole, and a render that
 * still throws sends the caller to the run itself.
 */
export function factsFromDigest(v: unknown): ViewFacts | null {
  if (!isObj(v) || v.v !== DIGEST_VERSION || v.listMax !== STATUS_TASKS_MAX) return null;
  const f = v.facts;
  if (!isObj(f) || typeof f.goal !== 'string' || typeof f.createdAt !== 'string' || !isObj(f.counts) || !isObj(f.overall) || !isObj(f.usage)) return null;
  if (!Array.isArray(f.workers) || !Array.isArray(f.decisions) || !Array.isArray(f.branches) || !isNum(f.taskCount) || !isNum(f.attempts)) return null;
  if (!plausibleList(v.tasks) || !plausibleList(v.removed)) return null;
  const d = v as unknown as StatusDigest;
  return { ...d.facts, tasks: listing(d.tasks, d.listMax), removed: listing(d.removed, d.listMax) };
}

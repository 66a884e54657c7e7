// Where the runs of finished tasks are in a task tree, kept as tasks finish (issue 13). The listing
// folds consecutive finished siblings into one line (compact.ts), and finding where such a run ends
// meant stepping over every task in it: 18,000 node visits after each commit of a 20,000-task run,
// the one part of the status cache's cost that still grew with the run.
//
// For each list of siblings this keeps the running total of their subtree sizes (fixed while the
// tree's shape is: a new shape is a new tree) and, in order, the places of the siblings whose
// subtree is not all done; for each node, how many tasks in its subtree are not done. The end of a
// run is then a binary search and its size a subtraction. The status index reports each node whose
// shown status moves to or from done; the counts above it follow. Pure data, no I/O.
import type { DoneRunFinder } from './compact.js';
import type { TaskNode } from './tree.js';

interface Siblings {
  /** The node whose children these are; null for the forest's top level. */
  owner: TaskNode | null;
  /** sizes[k]: tasks in the subtrees of the first k siblings. */
  sizes: number[];
  /** Places of the siblings whose subtree is not all done, ascending. */
  open: number[];
}

interface Place {
  in: Siblings;
  at: number;
  /** Tasks in its subtree, itself included, not done. */
  open: number;
}

/** The first place in `a` (ascending) at or after `i`, or a.length. */
function firstFrom(a: readonly number[], i: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class DoneRuns implements DoneRunFinder<TaskNode> {
  private readonly lists = new Map<readonly TaskNode[], Siblings>();
  private readonly places = new Map<TaskNode, Place>();

  /** Every list of siblings under these tops (a forest's live and archived trees). */
  constructor(tops: readonly (readonly TaskNode[])[]) {
    for (const t of tops) this.add(t, null);
  }

  private add(nodes: readonly TaskNode[], owner: TaskNode | null): number {
    const s: Siblings = { owner, sizes: [0], open: [] };
    this.lists.set(nodes, s);
    let open = 0;
    nodes.forEach((n, at) => {
      const below = this.add(n.children, n) + (n.status === 'done' ? 0 : 1);
      this.places.set(n, { in: s, at, open: below });
      s.sizes.push(s.sizes[at]! + n.size);
      if (below > 0) s.open.push(at);
      open += below;
    });
    return open;
  }

  allDone(n: TaskNode): boolean | undefined {
    const p = this.places.get(n);
    return p ? p.open === 0 : undefined;
  }

  run(siblings: readonly TaskNode[], i: number): { end: number; tasks: number } | null {
    const s = this.lists.get(siblings);
    if (!s) return null;
    const k = firstFrom(s.open, i);
    const end = k < s.open.length ? s.open[k]! : siblings.length;
    return { end, tasks: s.sizes[end]! - s.sizes[i]! };
  }

  /** `n`'s shown status moved to done (`done`) or away from it: it and every node above count it. */
  changed(n: TaskNode, done: boolean): void {
    const delta = done ? -1 : 1;
    for (let node: TaskNode | null = n; node; ) {
      const p = this.places.get(node);
      if (!p) return;
      const was = p.open;
      p.open += delta;
      if ((was === 0) !== (p.open === 0)) {
        const k = firstFrom(p.in.open, p.at);
        if (p.open === 0) p.in.open.splice(k, 1);
        else p.in.open.splice(k, 0, p.at);
      }
      node = p.in.owner;
    }
  }
}

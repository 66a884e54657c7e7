// `aura status` from a live daemon at the cost of what changed, not of what the run holds (issue 13).
// factsOf (facts.ts) walks every task for each answer: 50–150 ms at 20,000 tasks, paid on every
// request and, while the daemon is busy, on top of waiting for the cycle to end. The index keeps the
// same facts up to date instead:
//   - the run book tells it which tasks changed (touch: one Set.add, nothing else in the cycle's path);
//   - when facts are asked for, each changed task is taken out of the figures as it was and put back
//     as it is (task-tally.ts), and its node in the task tree gets the new record and its status as
//     shown (a pending group above it may now show running);
//   - a worker starting or ending adds or takes one from the busy count of every task above it, and
//     a pending group shows running while its count is above zero;
//   - where the runs of finished tasks end (done-runs.ts), for the listing to fold them unwalked;
//   - a change of the tree's shape (a new task, one removed from task.md or back, other children, a
//     new parent, new roots, a whole new state) rebuilds it all with the same taskForest the walk
//     uses: rare while a run works through its tasks, and about as costly as two walks.
// The facts come out exactly as factsOf's (a property test checks every field and the text), in the
// same order: workers and failures in tree order, branches and usage in the task map's order.
// The facts returned share the tree's nodes: use them before the next call. Pure data, no I/O.
import { GOAL_ID } from '../core/tree.js';
import type { JournalEntry, RunState, TaskState, TaskStatus } from '../store/schema.js';
import { DoneRuns } from './done-runs.js';
import { factsFrom, workerOf, type Listed, type ViewFacts, type WorkerFacts } from './facts.js';
import { goalLineId, overallFactsFrom } from './overall.js';
import { TaskTally } from './task-tally.js';
import { taskForest, type TaskForest, type TaskNode } from './tree.js';
import { ATTENTION_MAX, STATUS_ORDER } from './types.js';

/** How far up a running worker can make a pending group show running (effectiveStatus's depth). */
const MAX_DEPTH = 64;

/** One task as the index holds it (one map for all of it: five maps of 20,000 keys cost 100+ ms to build). */
interface Entry {
  /** The task as the figures last took it. */
  task: TaskState;
  /** Its place in the task map (for…in order). */
  ord: number;
  /** Its node in the tree and the node's place in tree order (the live tree, then the archived one); null for the goal's own line. */
  node: TaskNode | null;
  at: number;
  /** The tasks whose children list it. */
  holders: string[] | null;
  /** A live task the roots reach (goalDone's walk). */
  reached: boolean;
  /**
   * Busy tasks (running, verifying) below it that make it show running when it is a pending group
   * (effectiveStatus): kept as workers start and end, so a group of 20,000 tasks is not searched
   * for its running child (from the first, past every finished one) each time one starts or ends.
   */
  busyBelow: number;
}

const busy = (t: TaskState): boolean => t.status === 'running' || t.status === 'verifying';

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether the change moves the tree itself (then it is built again), not only a task's record. */
function reshapes(before: TaskState, after: TaskState): boolean {
  return (before.status === 'archived') !== (after.status === 'archived') || before.parent !== after.parent || !sameIds(before.children, after.children);
}

export class StatusIndex {
  /** Times the tree was built from scratch (tests: a status change must not rebuild it). */
  rebuilds = 0;
  private state: RunState | null = null;
  private roots: readonly string[] | null = null;
  private forest: TaskForest | null = null;
  private runs: DoneRuns | null = null;
  private entries = new Map<string, Entry>();
  private goalLine: string | null = null;
  /** Reached live tasks not done. */
  private notDone = 0;
  private reachedCount = 0;
  private dirty = new Set<string>();
  private readonly tally = new TaskTally();

  /** A whole new state (the daemon adopted one): built from it at the next facts(). */
  reset(): void {
    this.forest = null;
    this.dirty.clear();
  }

  /** A task changed or was added (the run book's setTask). */
  touch(id: string): void {
    if (this.forest) this.dirty.add(id);
  }

  /** factsOf(state, journalTail), at the cost of the tasks touched since the last call. */
  facts(state: RunState, journalTail: readonly JournalEntry[]): ViewFacts {
    if (!this.catchUp(state)) this.rebuild(state);
    const tally = this.tally;
    const counts = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<TaskStatus, number>;
    for (const [s, n] of tally.byStatus) counts[s] += n;
    const goal = this.goalLine === null ? undefined : state.tasks[this.goalLine];
    if (goal) counts[goal.status] -= 1;
    const goalDone = state.tasks[GOAL_ID] ? this.reachedCount > 0 && this.notDone === 0 : null;
    // In tree order; the goal's own line has no node, and a task that is not archived is in the live tree.
    const inTree = (ids: Iterable<string>): Entry[] =>
      [...ids]
        .map((id) => this.entries.get(id)!)
        .filter((e) => e.node !== null)
        .sort((a, b) => a.at - b.at);
    const workers: WorkerFacts[] = inTree(tally.active).map((e) => workerOf(e.task)!);
    const bad = inTree(tally.bad);
    const attention: Listed[] = bad.slice(0, ATTENTION_MAX).map((e) => ({ task: e.node!.task, status: e.node!.status }));
    return factsFrom(state, journalTail, {
      forest: this.forest!,
      runs: this.runs!,
      counts,
      overall: overallFactsFrom(state, counts, goalDone, tally.retryAt(), () => tally.verifiedCount(goal)),
      taskCount: tally.taskCount,
      attempts: tally.attempts,
      usage: tally.usage(),
      branches: tally.branches(),
      workers,
      attention: { tasks: attention, total: bad.length },
    });
  }

  private rebuild(state: RunState): void {
    this.rebuilds++;
    this.state = state;
    this.roots = state.roots;
    this.dirty.clear();
    this.tally.clear();
    const entries = (this.entries = new Map());
    let ord = 0;
    for (const id in state.tasks) {
      const task = state.tasks[id]!;
      entries.set(id, { task, ord, node: null, at: -1, holders: null, reached: false, busyBelow: 0 });
      this.tally.add(task, ord++);
    }
    for (const e of entries.values()) {
      for (const c of e.task.children) {
        const k = entries.get(c);
        if (k) (k.holders ??= []).push(e.task.id);
      }
    }
    const forest = (this.forest = taskForest(state));
    let at = 0;
    const visit = (n: TaskNode): void => {
      const e = entries.get(n.task.id)!;
      e.node = n;
      e.at = at++;
      n.children.forEach(visit);
    };
    forest.live.forEach(visit);
    forest.archived.forEach(visit);
    this.runs = new DoneRuns([forest.live, forest.archived]);
    for (const e of entries.values()) if (busy(e.task)) this.lift(e, 1);
    this.goalLine = goalLineId(state);
    // As liveTasks (core/tree.ts): from the roots, down through tasks that are not archived.
    this.notDone = 0;
    this.reachedCount = 0;
    const stack = [...state.roots].reverse();
    while (stack.length) {
      const e = entries.get(stack.pop()!);
      if (!e || e.reached || e.task.status === 'archived') continue;
      e.reached = true;
      this.reachedCount++;
      if (e.task.status !== 'done') this.notDone++;
      for (let i = e.task.children.length - 1; i >= 0; i--) stack.push(e.task.children[i]!);
    }
  }

  /** Takes in the touched tasks; false when the tree must be built again instead. */
  private catchUp(state: RunState): boolean {
    if (!this.forest || state !== this.state || state.roots !== this.roots) return false;
    const restatus = new Set<Entry>();
    for (const id of this.dirty) {
      const e = this.entries.get(id);
      const after = state.tasks[id];
      if (e?.task === after) continue;
      if (!e || !after || reshapes(e.task, after)) return false;
      const before = e.task;
      this.tally.update(before, after, e.ord);
      e.task = after;
      if (e.reached) this.notDone += Number(after.status !== 'done') - Number(before.status !== 'done');
      if (e.node) e.node.task = after;
      restatus.add(e);
      if (busy(before) !== busy(after)) this.lift(e, busy(after) ? 1 : -1, restatus);
    }
    this.dirty.clear();
    for (const e of restatus) {
      const n = e.node;
      if (!n) continue;
      const was = n.status === 'done';
      n.status = shown(e);
      if (was !== (n.status === 'done')) this.runs!.changed(n, !was);
    }
    return true;
  }

  /**
   * Adds `delta` to the busy count of every task above `e` a worker there makes show running, as
   * effectiveStatus searches down: through any children list naming it, at most MAX_DEPTH levels
   * up, never through an archived task. Each task above once, however many paths lead to it.
   */
  private lift(e: Entry, delta: number, touched?: Set<Entry>): void {
    let level = [e];
    const seen = new Set(level);
    for (let depth = 0; depth < MAX_DEPTH && level.length; depth++) {
      const next: Entry[] = [];
      for (const c of level) {
        for (const h of c.holders ?? []) {
          const he = this.entries.get(h)!;
          if (seen.has(he)) continue;
          seen.add(he);
          he.busyBelow += delta;
          touched?.add(he);
          if (he.task.status !== 'archived') next.push(he);
        }
      }
      level = next;
    }
  }
}

/** effectiveStatus (core/tree.ts) from the busy count instead of a search of the subtree. */
function shown(e: Entry): TaskStatus {
  return e.task.status === 'pending' && e.task.children.length > 0 && e.busyBelow > 0 ? 'running' : e.task.status;
}

// `aura status` from a live daemon at the cost of what changed, not of what the run holds (issue 13).
// factsOf (facts.ts) walks every task for each answer: 50–150 ms at 20,000 tasks, paid on every
// request and, while the daemon is busy, on top of waiting for the cycle to end. The index keeps the
// same facts up to date instead:
//   - the run book tells it which tasks changed (touch: one Set.add, nothing else in the cycle's path);
//   - when facts are asked for, each changed task is taken out of the figures as it was and put back
//     as it is (task-tally.ts), and its node in the task tree gets the new record and its status as
//     shown (a pending group above it may now show running);
//   - a change of the tree's shape (a new task, one removed from task.md or back, other children, a
//     new parent, new roots, a whole new state) rebuilds it all with the same taskForest the walk
//     uses: rare while a run works through its tasks.
// The facts come out exactly as factsOf's (a property test checks every field and the text), in the
// same order: workers and failures in tree order, branches and usage in the task map's order.
// The facts returned share the tree's nodes: use them before the next call. Pure data, no I/O.
import { GOAL_ID, effectiveStatus } from '../core/tree.js';
import type { JournalEntry, RunState, TaskState, TaskStatus } from '../store/schema.js';
import { factsFrom, workerOf, type Listed, type ViewFacts, type WorkerFacts } from './facts.js';
import { goalLineId, overallFactsFrom } from './overall.js';
import { TaskTally } from './task-tally.js';
import { taskForest, type TaskForest, type TaskNode } from './tree.js';
import { ATTENTION_MAX, STATUS_ORDER } from './types.js';

/** How far up a running worker can make a pending group show running (effectiveStatus's depth). */
const MAX_DEPTH = 64;

interface Shape {
  forest: TaskForest;
  /** Every task's node (all but the goal while its line is the goal), live and archived. */
  node: Map<string, TaskNode>;
  /** A node's place in tree order: the live tree, then the archived one. */
  order: Map<string, number>;
  /** Task id → the tasks whose children list it. */
  holders: Map<string, string[]>;
  goalLine: string | null;
  /** Live tasks the roots reach (goalDone's walk), and how many of them are not done. */
  reached: Set<string>;
  notDone: number;
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

function shapeOf(state: RunState): Shape {
  const forest = taskForest(state);
  const node = new Map<string, TaskNode>();
  const order = new Map<string, number>();
  const visit = (n: TaskNode): void => {
    node.set(n.task.id, n);
    order.set(n.task.id, order.size);
    n.children.forEach(visit);
  };
  forest.live.forEach(visit);
  forest.archived.forEach(visit);
  const holders = new Map<string, string[]>();
  for (const id in state.tasks) {
    for (const c of state.tasks[id]!.children) {
      const hs = holders.get(c);
      if (hs) hs.push(id);
      else holders.set(c, [id]);
    }
  }
  // As liveTasks (core/tree.ts): from the roots, down through tasks that are not archived.
  const reached = new Set<string>();
  const stack = [...state.roots].reverse();
  let notDone = 0;
  while (stack.length) {
    const id = stack.pop()!;
    const t = state.tasks[id];
    if (!t || t.status === 'archived' || reached.has(id)) continue;
    reached.add(id);
    if (t.status !== 'done') notDone++;
    for (let i = t.children.length - 1; i >= 0; i--) stack.push(t.children[i]!);
  }
  return { forest, node, order, holders, goalLine: goalLineId(state), reached, notDone };
}

export class StatusIndex {
  /** Times the tree was built from scratch (tests: a status change must not rebuild it). */
  rebuilds = 0;
  private state: RunState | null = null;
  private roots: readonly string[] | null = null;
  private shape: Shape | null = null;
  /** Each task as the figures last took it. */
  private known = new Map<string, TaskState>();
  private dirty = new Set<string>();
  private readonly tally = new TaskTally();

  /** A whole new state (the daemon adopted one): built from it at the next facts(). */
  reset(): void {
    this.shape = null;
    this.dirty.clear();
  }

  /** A task changed or was added (the run book's setTask). */
  touch(id: string): void {
    if (this.shape) this.dirty.add(id);
  }

  /** factsOf(state, journalTail), at the cost of the tasks touched since the last call. */
  facts(state: RunState, journalTail: readonly JournalEntry[]): ViewFacts {
    if (!this.catchUp(state)) this.rebuild(state);
    const shape = this.shape!;
    const tally = this.tally;
    const counts = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<TaskStatus, number>;
    for (const [s, n] of tally.byStatus) counts[s] += n;
    const goal = shape.goalLine === null ? undefined : state.tasks[shape.goalLine];
    if (goal) counts[goal.status] -= 1;
    const goalDone = state.tasks[GOAL_ID] ? shape.reached.size > 0 && shape.notDone === 0 : null;
    const byOrder = (a: string, b: string): number => shape.order.get(a)! - shape.order.get(b)!;
    const workers: WorkerFacts[] = [];
    for (const id of [...tally.active].filter((i) => shape.node.has(i)).sort(byOrder)) workers.push(workerOf(shape.node.get(id)!.task)!);
    // Failed and blocked tasks that are not archived all have a node in the live tree.
    const bad = [...tally.bad].filter((i) => shape.node.has(i)).sort(byOrder);
    const attention: Listed[] = bad.slice(0, ATTENTION_MAX).map((i) => {
      const n = shape.node.get(i)!;
      return { task: n.task, status: n.status };
    });
    return factsFrom(state, journalTail, {
      forest: shape.forest,
      counts,
      overall: overallFactsFrom(state, counts, goalDone, tally.retryAt(), () => tally.verifiedCount(shape.goalLine)),
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
    this.shape = shapeOf(state);
    this.tally.rebuild(state);
    this.known.clear();
    for (const id in state.tasks) this.known.set(id, state.tasks[id]!);
    this.dirty.clear();
  }

  /** Takes in the touched tasks; false when the tree must be built again instead. */
  private catchUp(state: RunState): boolean {
    const shape = this.shape;
    if (!shape || state !== this.state || state.roots !== this.roots) return false;
    const restatus = new Set<string>();
    for (const id of this.dirty) {
      const before = this.known.get(id);
      const after = state.tasks[id];
      if (before === after) continue;
      if (!before || !after || reshapes(before, after)) return false;
      this.tally.update(before, after);
      this.known.set(id, after);
      if (shape.reached.has(id)) shape.notDone += Number(after.status !== 'done') - Number(before.status !== 'done');
      const n = shape.node.get(id);
      if (n) n.task = after;
      restatus.add(id);
      if (busy(before) !== busy(after)) this.above(id, restatus);
    }
    this.dirty.clear();
    for (const id of restatus) {
      const n = shape.node.get(id);
      if (n) n.status = effectiveStatus(state, n.task);
    }
    return true;
  }

  /** Every task above `id` (through any children list naming it) a worker there can make show running. */
  private above(id: string, out: Set<string>): void {
    const holders = this.shape!.holders;
    let level = [id];
    const seen = new Set(level);
    for (let depth = 0; depth < MAX_DEPTH && level.length; depth++) {
      const next: string[] = [];
      for (const c of level) {
        for (const h of holders.get(c) ?? []) {
          if (seen.has(h)) continue;
          seen.add(h);
          out.add(h);
          next.push(h);
        }
      }
      level = next;
    }
  }
}

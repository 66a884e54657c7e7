// What the progress view needs from the run, free of the clock: counts and totals in one pass over
// the tasks, and the task tree kept as nodes (tree.ts) so that a renderer builds a TaskView only for
// the tasks it lists (issue 13: a render costs what it shows, not what the run holds). viewOf
// (view.ts) formats these facts at a given time; `aura status` on a stopped run reads them from the
// status cache (status-digest.ts) instead of the whole state. Pure.
import { addUsage, emptyTotals, type Totals } from '../core/budget.js';
import { goalDone, goalTask } from '../core/tree.js';
import type { JournalEntry, RunState, TaskState, TaskStatus } from '../store/schema.js';
import { countTasks, listTasks, type DoneRunFinder } from './compact.js';
import { branchesForReview } from './git-view.js';
import { countByStatus, overallFacts, type OverallFacts } from './overall.js';
import { activeAttempt } from './task-view.js';
import { taskForest, type TaskForest, type TaskNode } from './tree.js';
import { clip } from './format.js';
import { ATTENTION_MAX, DECISIONS_MAX, TEXT_MAX, type TreeListing } from './types.js';

/** A task as listed: its record and its status as shown (a pending group with a worker under it is running). */
export interface Listed {
  task: TaskState;
  status: TaskStatus;
}

/** A task tree (live or removed tasks) as records, for viewOf to make views of what it lists. */
export type TaskListing = TreeListing<Listed, TaskNode>;

export interface WorkerFacts {
  taskId: string;
  title: string;
  pid: number | null;
  job: string | null;
  command: string;
  startedAt: string;
  deadline: string | null;
}

export interface DecisionFacts {
  entry: Pick<JournalEntry, 'seq' | 'ts' | 'kind' | 'task' | 'from' | 'to' | 'msg'>;
  /** The task's title when the entry names a task the run has. */
  title: string | null;
}

export interface ViewFacts {
  goal: string;
  createdAt: string;
  updatedAt: string;
  doneAt: string | null;
  cycle: number;
  journalSeq: number;
  planner: RunState['planner'];
  spendCap: RunState['spendCap'] | null;
  taskFileWarnings: string[];
  counts: Record<TaskStatus, number>;
  overall: OverallFacts;
  /** Tasks in the state, the goal and archived ones included. */
  taskCount: number;
  attempts: number;
  usage: Totals;
  branches: string[];
  workers: WorkerFacts[];
  /** Newest first, at most DECISIONS_MAX. */
  decisions: DecisionFacts[];
  /** Failed and blocked live tasks in tree order: the first ATTENTION_MAX, and how many in all. */
  attention: { tasks: Listed[]; total: number };
  tasks: TaskListing;
  removed: TaskListing;
}

/** Journal kinds worth a line in "recent decisions": what aura decided and what changed because of it. */
export const DECISION_KINDS: ReadonlySet<JournalEntry['kind']> = new Set(['decision', 'status']);

/**
 * What factsOf finds by walking every task. The live daemon keeps the same parts one change at a time
 * (status-index.ts); both go through factsFrom, so the state's own fields are read the same way.
 */
export type FactParts = Pick<ViewFacts, 'counts' | 'overall' | 'taskCount' | 'attempts' | 'branches' | 'workers' | 'attention'> & {
  forest: TaskForest;
  /** Every attempt's reported usage, in task-map order (the planner's is added by factsFrom). */
  usage: Totals;
  /** Where the forest's runs of finished tasks end, when kept (the status index keeps them). */
  runs?: DoneRunFinder<TaskNode>;
};

export function factsOf(state: RunState, journalTail: readonly JournalEntry[]): ViewFacts {
  // One walk of the task map (for…in: Object.values sorts a 20,000-key map each time it is asked).
  const all: TaskState[] = [];
  for (const id in state.tasks) all.push(state.tasks[id]!);
  const forest = taskForest(state);
  const counts = countByStatus(state, all);
  let attempts = 0;
  // As runTotals(state) with no live figures: every attempt's reported usage, then the planner's.
  let usage = emptyTotals();
  for (const t of all) {
    attempts += t.attempts.length;
    for (const a of t.attempts) usage = addUsage(usage, a.usage);
  }
  return factsFrom(state, journalTail, {
    forest,
    counts,
    overall: overallFacts(state, counts, goalTask(state) ? goalDone(state) : null, all),
    taskCount: all.length,
    attempts,
    usage,
    branches: branchesForReview(state, all).map((b) => clip(b.text, TEXT_MAX)),
    workers: workersOf([...forest.live, ...forest.archived]),
    attention: attentionOf(forest.live),
  });
}

export function factsFrom(state: RunState, journalTail: readonly JournalEntry[], p: FactParts): ViewFacts {
  return {
    goal: state.goal,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    doneAt: state.doneAt,
    cycle: state.cycle,
    journalSeq: state.journalSeq,
    planner: state.planner ?? null,
    spendCap: state.spendCap ?? null,
    taskFileWarnings: (state.taskFileWarnings ?? []).slice(0, 5),
    counts: p.counts,
    overall: p.overall,
    taskCount: p.taskCount,
    attempts: p.attempts,
    usage: addUsage(p.usage, state.planner?.usage),
    branches: p.branches,
    workers: p.workers,
    decisions: decisionsOf(journalTail, state),
    attention: p.attention,
    tasks: forestListing(p.forest.live, p.runs),
    removed: forestListing(p.forest.archived, p.runs),
  };
}

/**
 * Tasks in a forest's tree, counted once per tree: the status index keeps one tree until the run's
 * shape changes (and a tree's arrays are never changed once built), and lists it after every commit.
 */
const counted = new WeakMap<readonly TaskNode[], number>();

function countOf(nodes: readonly TaskNode[]): number {
  let n = counted.get(nodes);
  if (n === undefined) counted.set(nodes, (n = countTasks(nodes)));
  return n;
}

export function forestListing(nodes: TaskNode[], runs?: DoneRunFinder<TaskNode>): TaskListing {
  return {
    roots: nodes.length,
    get count() {
      return countOf(nodes);
    },
    rootIds: (max) => nodes.slice(0, max).map((n) => n.task.id),
    list: (max) => listTasks(nodes, max, countOf(nodes), runs),
    all: () => nodes,
  };
}

/** Every attempt still in progress, in tree order (an archived task's worker may still be stopping). */
function workersOf(nodes: readonly TaskNode[]): WorkerFacts[] {
  const out: WorkerFacts[] = [];
  const visit = (node: TaskNode): void => {
    const w = workerOf(node.task);
    if (w) out.push(w);
    node.children.forEach(visit);
  };
  nodes.forEach(visit);
  return out;
}

/** The task's attempt in progress as the workers list shows it, or null. */
export function workerOf(task: TaskState): WorkerFacts | null {
  const a = activeAttempt(task);
  if (!a) return null;
  return {
    taskId: task.id,
    title: task.title,
    pid: a.process?.pid ?? null,
    job: a.job ? (a.job.id ?? a.job.name) : null,
    command: a.command ?? `${a.worker} worker`,
    startedAt: a.startedAt,
    deadline: a.deadline,
  };
}

function decisionsOf(tail: readonly JournalEntry[], state: RunState): DecisionFacts[] {
  const out: DecisionFacts[] = [];
  for (let i = tail.length - 1; i >= 0 && out.length < DECISIONS_MAX; i--) {
    const e = tail[i];
    if (!e || !DECISION_KINDS.has(e.kind)) continue;
    const task = e.task ? state.tasks[e.task] : undefined;
    out.push({ entry: { seq: e.seq, ts: e.ts, kind: e.kind, task: e.task, from: e.from, to: e.to, msg: e.msg }, title: task ? task.title : null });
  }
  return out;
}

function attentionOf(nodes: readonly TaskNode[]): ViewFacts['attention'] {
  const tasks: Listed[] = [];
  let total = 0;
  const visit = (n: TaskNode): void => {
    if (n.status === 'failed' || n.status === 'blocked') {
      if (total < ATTENTION_MAX) tasks.push({ task: n.task, status: n.status });
      total++;
    }
    n.children.forEach(visit);
  };
  nodes.forEach(visit);
  return { tasks, total };
}

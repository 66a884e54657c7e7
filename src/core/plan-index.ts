// The rules planner, kept up to date one change at a time. planRules() looks at every task each
// cycle, which made a run of 20,000 tasks cost 20,000 evaluations per cycle. The index instead
// re-evaluates only the tasks a change can have affected — the task itself, its parent (group
// checks), and whatever needs it (with their subtrees, since a parent's needs gate its children) —
// and keeps:
//   - the spawnable tasks in a heap ordered by their place in the tree (file order), so starting the
//     next ones costs log n;
//   - the tasks backing off in a heap by due time;
//   - counts by status (goal done, workers running) and the usage of finished attempts;
//   - what each group's subtasks add up to (child-tally.ts), so judging a group of 20,000 subtasks
//     does not scan them, and which backends the tasks would spend with (core/spend.ts).
// The same evaluateTask() decides in both; a property test checks that plan() equals planRules().
// Pure data: no I/O, no clock of its own (now comes in the context).
import type { RunState, TaskState, TaskStatus } from '../store/schema.js';
import { addUsage, emptyTotals, type Totals } from './budget.js';
import { ChildTally } from './child-tally.js';
import { Heap } from './heap.js';
import { agentsAmong, taskSpenders } from './spend.js';
import { evaluateTask, type Action, type Plan, type PlanContext } from './rules-planner.js';
import { TASK_STATUSES } from '../store/kinds.js';

interface Ready {
  id: string;
  key: number[];
}

/** Pending, and no group: a task a worker would be started for (a group is judged by its subtasks). */
export function waitingLeaf(t: Pick<TaskState, 'status' | 'children'>): boolean {
  return t.status === 'pending' && t.children.length === 0;
}

function keyLess(a: number[], b: number[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return a.length < b.length;
}

function usageOf(t: TaskState): Totals {
  let u = emptyTotals();
  for (const a of t.attempts) if (a.endedAt !== null) u = addUsage(u, a.usage);
  return u;
}

function minus(a: Totals, b: Totals): Totals {
  return {
    inputTokens: a.inputTokens - b.inputTokens,
    outputTokens: a.outputTokens - b.outputTokens,
    cacheReadTokens: a.cacheReadTokens - b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens - b.cacheWriteTokens,
    costUsd: a.costUsd - b.costUsd,
    costed: a.costed - b.costed,
  };
}

function plus(a: Totals, b: Totals): Totals {
  return minus(a, minus(emptyTotals(), b));
}

export class PlanIndex {
  private counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  private ended = emptyTotals();
  private usageById = new Map<string, Totals>();
  /** dependency id → tasks whose own `needs` list it. */
  private neededBy = new Map<string, Set<string>>();
  /** A task's place among its parent's children (appends only grow it, so old places keep their order). */
  private pos = new Map<string, number>();
  private dirty = new Set<string>();
  private ready = new Heap<Ready>((a, b) => keyLess(a.key, b.key));
  private inReady = new Set<string>();
  private due = new Heap<{ id: string; at: number }>((a, b) => a.at < b.at);
  private kids = new ChildTally();
  /** Spender name → how many task contributions name it (taskSpenders). */
  private spenders = new Map<string, number>();
  /** Leaves waiting to start (waitingLeaf): what a worker would be started for. */
  private waiting = 0;
  /** Places were renumbered (a child removed): the ready heap's keys are stale until re-keyed. */
  private rekey = false;

  /** Everything from scratch: at start, after task.md was applied, after recovery. */
  rebuild(state: RunState): void {
    this.counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
    this.ended = emptyTotals();
    this.usageById.clear();
    this.neededBy.clear();
    this.pos.clear();
    this.dirty.clear();
    this.ready.clear();
    this.inReady.clear();
    this.due.clear();
    this.kids.rebuild(state);
    this.spenders.clear();
    this.waiting = 0;
    this.rekey = false;
    for (const t of Object.values(state.tasks)) {
      this.spend(t, +1);
      if (waitingLeaf(t)) this.waiting += 1;
      if (t.status !== 'archived') this.counts[t.status] += 1;
      this.addUsage(t);
      for (const n of t.needs) this.need(n, t.id);
      t.children.forEach((c, i) => this.pos.set(c, i));
      if (t.status !== 'archived') this.dirty.add(t.id);
    }
  }

  /** One task changed (or was created): `before` as it was, undefined for a new one. */
  update(state: RunState, before: TaskState | undefined, after: TaskState): void {
    if (before && before.status !== 'archived') this.counts[before.status] -= 1;
    if (after.status !== 'archived') this.counts[after.status] += 1;
    this.waiting += (waitingLeaf(after) ? 1 : 0) - (before && waitingLeaf(before) ? 1 : 0);
    if (before !== after) this.addUsage(after);
    if (before) this.spend(before, -1);
    this.spend(after, +1);
    this.kids.update(state, before, after);
    if (before) for (const n of before.needs) if (!after.needs.includes(n)) this.neededBy.get(n)?.delete(after.id);
    for (const n of after.needs) this.need(n, after.id);
    if (!before || before.children !== after.children) {
      const known = before ? new Set(before.children) : new Set<string>();
      // Appended children get the next places; anything else (a removal) renumbers, keeping the order.
      const appendsOnly = before !== undefined && before.children.every((c, i) => after.children[i] === c);
      after.children.forEach((c, i) => {
        if (!appendsOnly || !known.has(c)) this.pos.set(c, i);
      });
      if (before && !appendsOnly) this.rekey = true;
    }
    this.dirty.add(after.id);
    if (after.parent) this.dirty.add(after.parent);
    const statusMoved = !before || before.status !== after.status;
    const needsMoved = !before || before.needs.join('\n') !== after.needs.join('\n');
    // Whatever waits on this task (directly, or under a parent that needs it) may move now.
    if (statusMoved) for (const d of this.neededBy.get(after.id) ?? []) this.dirtySubtree(state, d);
    if (needsMoved) this.dirtySubtree(state, after.id);
    // A new child of a pending group: the group is not done any more.
    if (before && before.children !== after.children) for (const c of after.children) this.dirty.add(c);
  }

  /** The rules' actions for this cycle: equal to planRules(state, ctx), at the cost of what changed. */
  plan(state: RunState, ctx: PlanContext): Plan {
    const now = ctx.now.getTime();
    while (this.due.size && this.due.peek()!.at <= now) this.dirty.add(this.due.pop()!.id);
    if (this.rekey) this.rekeyReady(state);
    const actions: Action[] = [];
    ctx = { ...ctx, childrenOf: (t) => this.kids.verdict(state, t, (id) => this.pos.get(id)) };
    const dirty = [...this.dirty].map((id) => state.tasks[id]).filter((t): t is TaskState => !!t && t.status !== 'archived');
    this.dirty.clear();
    dirty.sort((a, b) => (keyLess(this.keyOf(state, a), this.keyOf(state, b)) ? -1 : 1));
    for (const t of dirty) {
      const e = evaluateTask(state, t, ctx);
      if (e.kind === 'action') actions.push(e.action);
      else if (e.kind === 'due') this.due.push({ id: t.id, at: e.at.getTime() });
      else if (e.kind === 'spawnable' && !this.inReady.has(t.id)) {
        this.inReady.add(t.id);
        this.ready.push({ id: t.id, key: this.keyOf(state, t) });
      }
    }
    let slots = ctx.maxConcurrent - this.running;
    const keep: Ready[] = [];
    while (slots > 0 && this.ready.size) {
      const r = this.ready.pop()!;
      this.inReady.delete(r.id);
      const t = state.tasks[r.id];
      if (!t) continue;
      const e = evaluateTask(state, t, ctx);
      if (e.kind === 'spawnable') {
        actions.push({ type: 'spawn', task: t.id, reason: e.reason });
        slots -= 1;
        // Until the caller starts it, it stays a candidate (the model may decline it, a spawn may fail).
        keep.push(r);
      } else if (e.kind === 'due') this.due.push({ id: t.id, at: e.at.getTime() });
    }
    for (const r of keep) {
      this.inReady.add(r.id);
      this.ready.push(r);
    }
    return { actions: sortActions(state, actions, (t) => this.keyOf(state, t)), nextDueAt: this.nextDue(state, now) };
  }

  get running(): number {
    return this.counts.running + this.counts.verifying;
  }

  /** Every live task done (the root included): goalDone(state) without walking the tree. */
  goalDone(): boolean {
    let live = 0;
    for (const s of TASK_STATUSES) if (s !== 'archived') live += this.counts[s];
    return live > 0 && this.counts.done === live;
  }

  /** Tasks pending with no subtasks: each would get a worker of its own when it starts. */
  get waitingLeaves(): number {
    return this.waiting;
  }

  countsByStatus(): Readonly<Record<TaskStatus, number>> {
    return this.counts;
  }

  /** Usage of every finished attempt of every task (running ones come from the workers' live status). */
  endedUsage(): Totals {
    return this.ended;
  }

  /** The agent backends the run's tasks would use or used (agentBackendsInUse without the walk). */
  agentsInUse(defaultBackend: string): string[] {
    return agentsAmong(this.spenders.keys(), defaultBackend);
  }

  private spend(t: TaskState, sign: 1 | -1): void {
    for (const s of taskSpenders(t)) {
      const n = (this.spenders.get(s) ?? 0) + sign;
      if (n > 0) this.spenders.set(s, n);
      else this.spenders.delete(s);
    }
  }

  private nextDue(state: RunState, now: number): Date | null {
    while (this.due.size) {
      const top = this.due.peek()!;
      const t = state.tasks[top.id];
      // Stale: the task moved on (started, edited) since it was put here.
      if (!t || t.status !== 'pending' || !t.notBefore || new Date(t.notBefore).getTime() !== top.at || top.at <= now) {
        this.due.pop();
        if (t && t.status === 'pending' && top.at <= now) this.dirty.add(t.id);
        continue;
      }
      return new Date(top.at);
    }
    return null;
  }

  /** Every ready task again under its current place (rare: only after a child was removed). */
  private rekeyReady(state: RunState): void {
    this.rekey = false;
    const ids: string[] = [];
    while (this.ready.size) ids.push(this.ready.pop()!.id);
    this.inReady.clear();
    for (const id of ids) {
      const t = state.tasks[id];
      if (!t) continue;
      this.inReady.add(id);
      this.ready.push({ id, key: this.keyOf(state, t) });
    }
  }

  private need(dep: string, id: string): void {
    let s = this.neededBy.get(dep);
    if (!s) this.neededBy.set(dep, (s = new Set()));
    s.add(id);
  }

  private addUsage(t: TaskState): void {
    const old = this.usageById.get(t.id);
    const now = usageOf(t);
    this.ended = plus(old ? minus(this.ended, old) : this.ended, now);
    this.usageById.set(t.id, now);
  }

  private dirtySubtree(state: RunState, id: string): void {
    const stack = [id];
    const seen = new Set<string>();
    while (stack.length) {
      const cur = stack.pop()!;
      if (seen.has(cur)) continue;
      seen.add(cur);
      this.dirty.add(cur);
      for (const c of state.tasks[cur]?.children ?? []) stack.push(c);
    }
  }

  /** The task's place in file order: its position among its siblings, and theirs up to the root. */
  private keyOf(state: RunState, t: TaskState): number[] {
    const key: number[] = [];
    let cur: TaskState | undefined = t;
    for (let depth = 0; cur && cur.parent !== null && depth < 64; depth++) {
      key.push(this.pos.get(cur.id) ?? Number.MAX_SAFE_INTEGER);
      cur = state.tasks[cur.parent];
    }
    return key.reverse();
  }
}

/** Actions in file order, as planRules gives them. */
function sortActions(state: RunState, actions: Action[], keyOf: (t: TaskState) => number[]): Action[] {
  const keys = new Map(actions.map((a) => [a, state.tasks[a.task] ? keyOf(state.tasks[a.task]!) : []]));
  return actions.sort((a, b) => (keyLess(keys.get(a)!, keys.get(b)!) ? -1 : keyLess(keys.get(b)!, keys.get(a)!) ? 1 : 0));
}

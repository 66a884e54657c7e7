// The pure core's judgement of what a planner proposes. The LLM planner's tools turn a model's call
// into a Proposal; nothing changes the run until judgeProposal() accepts it. Refusals are messages the
// model reads in its tool result, so they say what was wrong and what would be accepted.
//
// The rules: transitions from the table only; only leaves (or groups with their own run:) are
// spawned, when their dependencies are done, their retry time has come, a slot is free and nothing is
// paused; a task is never marked done by a proposal (only the evidence gate does that); a failed task
// is reopened only while it has attempts left; new tasks get safe ids and paths inside the project.
import type { RunState, TaskState } from '../store/schema.js';
import { canTransition, freshTask } from './transitions.js';
import { countedAttempts, depsVerdict, isLeaf, liveTasks, runningTasks } from './tree.js';

export interface ChildSpec {
  id?: string;
  title: string;
  acceptance: string;
  produces: string[];
  verify?: string;
  needs: string[];
  run?: string;
  worker?: string;
  budgetMinutes?: number;
}

export type MemorySection = 'facts' | 'lessons' | 'decisions' | 'session';

export interface ProjectContextFields {
  summary?: string;
  stack?: string;
  commands?: string;
  conventions?: string;
  constraints?: string;
  notes?: string;
}

export type Proposal =
  | { type: 'spawn'; task: string; reason: string }
  | { type: 'kill'; task: string; reason: string }
  | { type: 'update'; task: string; status?: 'done' | 'failed' | 'blocked' | 'pending' | 'archived'; reason: string; evidence?: string; notes?: string }
  | { type: 'decompose'; task: string; children: ChildSpec[]; reason: string }
  | { type: 'memory'; section: MemorySection; text: string }
  | { type: 'context'; fields: ProjectContextFields }
  | { type: 'no_op'; reason: string; wakeAfterSeconds?: number };

export interface JudgeContext {
  now: Date;
  maxConcurrent: number;
  maxAttempts: number;
  maxTasks: number;
  /** Why nothing new may start (paused, draining), or null. */
  holdReason: string | null;
  workerProblem: (t: TaskState) => string | null;
  /** Why a proposed artifact path is unsafe, or null (string-level: no disk access). */
  pathProblem: (p: string) => string | null;
  /** Why a proposed task id is unsafe, or null. */
  idProblem: (id: string) => string | null;
  /** Worker names a task may ask for. */
  workers: readonly string[];
}

export type Verdict = { ok: true } | { ok: false; message: string };

const refuse = (message: string): Verdict => ({ ok: false, message });
const OK: Verdict = { ok: true };

function find(state: RunState, id: string): TaskState | null {
  const t = state.tasks[id];
  return t && t.status !== 'archived' ? t : null;
}

function unknownTask(state: RunState, id: string): Verdict {
  const ids = liveTasks(state).map((t) => t.id);
  const shown = ids.slice(0, 12).join(', ') + (ids.length > 12 ? `, … (${ids.length - 12} more)` : '');
  return refuse(`there is no task "${id}"; live task ids: ${shown || '(none)'}`);
}

function judgeSpawn(state: RunState, t: TaskState, ctx: JudgeContext): Verdict {
  if (!isLeaf(t) && !t.run) return refuse(`${t.id} has subtasks; spawn its leaf tasks instead (aura checks a group when all its subtasks are done)`);
  if (t.status !== 'pending') {
    const hint = t.status === 'failed' || t.status === 'blocked' ? '; reopen it with update_task status "pending" first' : '';
    return refuse(`${t.id} is ${t.status}, only a pending task can be started${hint}`);
  }
  if (ctx.holdReason) return refuse(`nothing new may start: ${ctx.holdReason}`);
  const deps = depsVerdict(state, t);
  if (deps.kind === 'broken') return refuse(`${t.id} needs ${deps.on}, which is ${deps.status}`);
  if (deps.kind === 'waiting') return refuse(`${t.id} waits for ${deps.on.join(', ')}, which ${deps.on.length === 1 ? 'is' : 'are'} not done yet`);
  if (t.notBefore && new Date(t.notBefore) > ctx.now) return refuse(`${t.id} is backing off after a failed attempt until ${t.notBefore}`);
  const running = runningTasks(state).length;
  if (running >= ctx.maxConcurrent) return refuse(`${running} worker(s) already running, the limit is ${ctx.maxConcurrent} (AURA_MAX_CONCURRENT_TASKS); wait for one to finish`);
  const problem = ctx.workerProblem(t);
  return problem ? refuse(`no worker can run ${t.id}: ${problem}`) : OK;
}

function judgeUpdate(t: TaskState, p: Extract<Proposal, { type: 'update' }>, ctx: JudgeContext): Verdict {
  if (!p.status) return p.notes ? OK : refuse('update_task needs a status or notes');
  if (p.status === 'done') {
    if (t.status === 'done') return OK;
    // The latest attempt that has evidence: a killed or lost attempt after it has none of its own.
    const last = t.attempts.findLast((a) => a.evidence)?.evidence;
    const seen = last ? ` The last evidence check said: ${last.summary}.` : ' No attempt has produced evidence yet.';
    return refuse(
      `refused: ${t.id} cannot be marked done by a proposal; a task is done only when aura's evidence gate passes ` +
        `(a clean worker exit, every produces: artifact present and changed, verify: exiting 0).${seen} ` +
        'Spawn a worker that produces the evidence, or decompose the task.',
    );
  }
  if (p.status === 'archived') {
    // The planner cancels what it made; task.md's items are the person's, aura's own tasks aura's.
    if (t.origin !== 'planner') return refuse(`${t.id} came from ${t.origin === 'taskfile' ? 'task.md (only a person removes it, by editing task.md)' : 'aura itself'}; you can cancel only tasks you created`);
    if (t.status === 'done') return refuse(`${t.id} is done and verified; its result stays (add a new task for more work)`);
    return OK;
  }
  if (t.status === p.status) return OK;
  // Verified work stays verified: reopening it is a person's call (aura retry, or an edit).
  if (t.status === 'done') return refuse(`${t.id} is done and verified; it stays done (a person can reopen it with aura retry or an edit of task.md); add a new task for more work`);
  if (t.status === 'running' || t.status === 'verifying') return refuse(`${t.id} is ${t.status}; use kill_task to stop its worker first`);
  if (!canTransition(t.status, p.status)) return refuse(`${t.id} cannot go from ${t.status} to ${p.status}`);
  if (p.status === 'pending' && t.status === 'failed' && countedAttempts(t) >= ctx.maxAttempts) {
    return refuse(`${t.id} has used all ${ctx.maxAttempts} attempts (AURA_MAX_ATTEMPTS); it can only be reopened by editing task.md, or decompose it into smaller tasks`);
  }
  if (p.status === 'pending' && t.status === 'blocked' && (t.blockedBy === 'auth' || t.blockedBy === 'watchdog' || t.blockedBy === 'merge')) {
    const why = { auth: 'refused credentials (a person must fix them)', watchdog: 'the watchdog (its resource-fix subtask must finish first)', merge: 'a merge conflict of its verified branch (a person merges it by hand, or runs aura retry)' };
    return refuse(`${t.id} is blocked by ${why[t.blockedBy]}`);
  }
  return OK;
}

function judgeChildren(state: RunState, parent: TaskState, p: Extract<Proposal, { type: 'decompose' }>, ctx: JudgeContext): Verdict {
  if (parent.status !== 'pending' && parent.status !== 'blocked') return refuse(`${parent.id} is ${parent.status}; only a pending or blocked task can be decomposed`);
  if (p.children.length === 0) return refuse('decompose_task needs at least one child');
  const total = Object.keys(state.tasks).length + p.children.length;
  if (total > ctx.maxTasks) return refuse(`that would make ${total} tasks; the limit is ${ctx.maxTasks}`);
  // Ids are directory names, compared case-insensitively (as task.md's own ids are).
  const takenIds = new Set(Object.keys(state.tasks).map((k) => k.toLowerCase()));
  const newIds = new Set<string>();
  for (const [i, c] of p.children.entries()) {
    const where = `children[${i}] ("${c.title.slice(0, 40)}")`;
    if (c.id !== undefined) {
      const bad = ctx.idProblem(c.id);
      if (bad) return refuse(`${where}: id ${JSON.stringify(c.id.slice(0, 80))} is unsafe: ${bad}`);
      if (newIds.has(c.id.toLowerCase())) return refuse(`${where}: id "${c.id}" is given to two children`);
      if (takenIds.has(c.id.toLowerCase())) {
        const holder = Object.values(state.tasks).find((t) => t.id.toLowerCase() === c.id!.toLowerCase());
        const what = holder?.status === 'archived' ? `an archived task (${holder.reason.slice(0, 80)}); ids stay taken so its history keeps its name` : 'a live task';
        return refuse(`${where}: id "${c.id}" is already taken by ${what}; choose another id or leave id out`);
      }
      newIds.add(c.id.toLowerCase());
    }
    for (const a of c.produces) {
      const bad = ctx.pathProblem(a);
      if (bad) return refuse(`${where}: artifact ${JSON.stringify(a.slice(0, 120))} refused: ${bad}`);
    }
    if (c.worker !== undefined && !ctx.workers.includes(c.worker)) return refuse(`${where}: unknown worker "${c.worker}"; one of ${ctx.workers.join(', ')}`);
    for (const n of c.needs) {
      if (n === c.id) return refuse(`${where}: a task cannot need itself`);
      const sibling = p.children.some((o) => o !== c && o.id === n);
      if (!sibling && !find(state, n)) return refuse(`${where}: needs "${n}", which is neither a live task nor a sibling's id`);
    }
  }
  const cycle = siblingCycle(p.children);
  return cycle ? refuse(`the children's needs form a cycle: ${cycle.join(' → ')}`) : OK;
}

/** A dependency cycle among the proposed children, by id, or null. */
function siblingCycle(children: ChildSpec[]): string[] | null {
  const byId = new Map(children.filter((c) => c.id).map((c) => [c.id as string, c]));
  const state = new Map<string, 'visiting' | 'done'>();
  const walk = (id: string, path: string[]): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    for (const n of byId.get(id)?.needs ?? []) {
      if (!byId.has(n)) continue;
      const found = walk(n, [...path, id]);
      if (found) return found;
    }
    state.set(id, 'done');
    return null;
  };
  for (const id of byId.keys()) {
    const found = walk(id, []);
    if (found) return found;
  }
  return null;
}

/** Accepts or refuses a proposal against the current state. Memory, context and no_op always pass. */
export function judgeProposal(state: RunState, p: Proposal, ctx: JudgeContext): Verdict {
  if (p.type === 'memory' || p.type === 'context' || p.type === 'no_op') return OK;
  const t = find(state, p.task);
  if (!t) return unknownTask(state, p.task);
  switch (p.type) {
    case 'spawn':
      return judgeSpawn(state, t, ctx);
    case 'kill':
      return t.status === 'running' ? OK : refuse(`${t.id} is ${t.status}; only a running task has a worker to stop`);
    case 'update':
      return judgeUpdate(t, p, ctx);
    case 'decompose':
      return judgeChildren(state, t, p, ctx);
  }
}

/**
 * The tasks an accepted decompose proposal creates (origin: planner, so task.md edits keep them),
 * and the parent with its new children. Ids the model left out are derived from titles.
 */
export function buildChildren(
  state: RunState,
  parent: TaskState,
  children: ChildSpec[],
  now: Date,
  derive: (title: string, taken: ReadonlySet<string>) => string,
): { parent: TaskState; created: TaskState[] } {
  const taken = new Set(Object.keys(state.tasks).map((k) => k.toLowerCase()));
  for (const c of children) if (c.id) taken.add(c.id.toLowerCase());
  const created: TaskState[] = [];
  for (const [i, c] of children.entries()) {
    const id = c.id ?? derive(`${parent.id}-${c.title}`, taken);
    taken.add(id.toLowerCase());
    const notes = [c.acceptance ? `Acceptance: ${c.acceptance}` : ''].filter(Boolean).join('\n');
    created.push(
      freshTask(
        {
          id,
          title: c.title,
          parent: parent.id,
          children: [],
          ...(c.run ? { run: c.run } : {}),
          produces: c.produces,
          ...(c.verify ? { verify: c.verify } : {}),
          needs: c.needs,
          ...(c.budgetMinutes ? { budgetMs: Math.max(1, Math.round(c.budgetMinutes * 60_000)) } : {}),
          ...(c.worker ? { worker: c.worker } : {}),
          origin: 'planner',
          extra: c.acceptance ? { acceptance: c.acceptance } : {},
          notes,
          userChecked: false,
          line: parent.line,
          order: parent.children.length + i,
        },
        `created by the planner under ${parent.id}`,
        now,
      ),
    );
  }
  return { parent: { ...parent, children: [...parent.children, ...created.map((t) => t.id)] }, created };
}

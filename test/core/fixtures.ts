// Small builders for the core's pure functions: tasks, run states, attempts and evidence with
// sensible defaults, so each table row only says what matters to it.
import type { Attempt, Evidence, RunState, TaskState } from '../../src/store/schema.js';
import { STATE_SCHEMA_VERSION } from '../../src/store/schema.js';

export const T0 = new Date('2026-03-01T10:00:00.000Z');
export const ISO0 = T0.toISOString();
/** T0 shifted by `s` seconds. */
export const at = (s: number): Date => new Date(T0.getTime() + s * 1000);

// Fields the schema has gained with zod defaults (notes, classification, usage). Spread from a plain
// object so the builders keep compiling whether or not the schema in the tree already has them.
const TASK_DEFAULTS = { notes: '', origin: 'taskfile' as const, voidTick: false };
const ATTEMPT_DEFAULTS = { classification: null, usage: null, contract: null, fenceMs: null, worktree: null, merge: null };

export function makeTask(id: string, patch: Partial<TaskState> = {}): TaskState {
  return {
    ...TASK_DEFAULTS,
    id,
    title: `task ${id}`,
    parent: null,
    children: [],
    status: 'pending',
    reason: 'new in task.md',
    produces: [],
    needs: [],
    extra: {},
    userChecked: false,
    line: 1,
    order: 0,
    attempts: [],
    attemptBase: 0,
    blockedBy: null,
    notBefore: null,
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:00:00.000Z',
    ...patch,
  };
}

/**
 * A run state holding `tasks` in the given (file) order. Roots are the tasks without a parent, and a
 * task's `children` are filled in from the others' `parent` (unless the task sets children itself).
 */
export function makeState(tasks: TaskState[], patch: Partial<RunState> = {}): RunState {
  const pause = patch.pause ?? null;
  const byId: Record<string, TaskState> = {};
  for (const t of tasks) byId[t.id] = { ...t };
  for (const t of tasks) {
    const given = tasks.find((x) => x.id === t.id)!.children;
    if (given.length > 0) continue;
    byId[t.id]!.children = tasks.filter((c) => c.parent === t.id).map((c) => c.id);
  }
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    runId: 'run-1',
    taskFile: '/p/task.md',
    goal: 'the goal',
    context: '',
    goalOnly: false,
    taskFileHash: 'h0',
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:00:00.000Z',
    cycle: 1,
    journalSeq: 0,
    journalBytes: 0,
    roots: tasks.filter((t) => t.parent === null).map((t) => t.id),
    tasks: byId,
    doneAt: null,
    taskFileWarnings: [],
    ...patch,
    pause,
    planner: patch.planner ?? null,
  };
}

export function makeAttempt(n: number, patch: Partial<Attempt> = {}): Attempt {
  return {
    ...ATTEMPT_DEFAULTS,
    n,
    dir: `tasks/x/attempt-${n}`,
    worker: 'shell',
    command: 'true',
    marker: `run-1:x:${n}`,
    startedAt: ISO0,
    deadline: null,
    process: null,
    job: null,
    priorArtifacts: [],
    endedAt: ISO0,
    outcome: 'exited',
    exitCode: 0,
    signal: null,
    stopReason: null,
    stopData: null,
    evidence: null,
    ...patch,
  };
}

/** An attempt that exited with `code` (1 by default: a plain failure). */
export const exited = (n: number, code = 1): Attempt => makeAttempt(n, { outcome: 'exited', exitCode: code });

export function makeEvidence(passed: boolean, summary = passed ? 'verified: exit 0' : 'not done: worker exited with code 1'): Evidence {
  return { checkedAt: ISO0, passed, summary, workerClean: passed, artifacts: [], verify: null };
}

/** Replaces one task in a state (returns a new state). */
export function withTask(state: RunState, id: string, patch: Partial<TaskState>): RunState {
  const t = state.tasks[id];
  if (!t) throw new Error(`fixture: no task ${id}`);
  return { ...state, tasks: { ...state.tasks, [id]: { ...t, ...patch } } };
}

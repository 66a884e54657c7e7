// judgeProposal and buildChildren: every proposal a planner tool can make, accepted or refused with
// the exact message the model reads. The context uses the real id and path rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ChildSpec, type JudgeContext, type Proposal, type Verdict, buildChildren, judgeProposal } from '../../src/core/proposals.js';
import { pathProblem } from '../../src/planner/confine.js';
import { TaskState, type RunState } from '../../src/store/schema.js';
import { deriveId, idProblem, uniqueId } from '../../src/taskfile/ids.js';
import { T0, at, exited, makeAttempt, makeEvidence, makeState, makeTask } from './fixtures.js';

function ctx(patch: Partial<JudgeContext> = {}): JudgeContext {
  return {
    now: T0,
    maxConcurrent: 2,
    maxAttempts: 3,
    maxTasks: 50,
    holdReason: null,
    workerProblem: () => null,
    pathProblem: (p) => pathProblem(p),
    idProblem,
    workers: ['shell', 'claude'],
    ...patch,
  };
}

const OK: Verdict = { ok: true };
const NO = (message: string): Verdict => ({ ok: false, message });

interface Row {
  name: string;
  state: RunState;
  p: Proposal;
  ctx?: Partial<JudgeContext>;
  want: Verdict;
}

function runRows(rows: Row[]): void {
  for (const r of rows) {
    it(r.name, () => {
      assert.deepEqual(judgeProposal(r.state, r.p, ctx(r.ctx)), r.want);
    });
  }
}

const spawn = (task: string): Proposal => ({ type: 'spawn', task, reason: 'r' });
const kill = (task: string): Proposal => ({ type: 'kill', task, reason: 'r' });
const update = (task: string, patch: Partial<Extract<Proposal, { type: 'update' }>> = {}): Proposal => ({ type: 'update', task, reason: 'r', ...patch });
const child = (patch: Partial<ChildSpec> = {}): ChildSpec => ({ title: 'write x', acceptance: 'x exists', produces: [], needs: [], ...patch });
const decompose = (task: string, children: ChildSpec[]): Proposal => ({ type: 'decompose', task, children, reason: 'r' });

/** A lone task A (patched) plus the given others. */
const one = (patch: Partial<TaskState> = {}, ...others: TaskState[]): RunState => makeState([makeTask('A', patch), ...others]);

describe('judgeProposal: spawn', () => {
  runRows([
    { name: 'a pending leaf whose deps are done → ok', state: one({ needs: ['B'] }, makeTask('B', { status: 'done' })), p: spawn('A'), want: OK },
    { name: 'a pending leaf with no deps → ok', state: one(), p: spawn('A'), want: OK },
    { name: 'an archived dependency does not hold it back', state: one({ needs: ['B'] }, makeTask('B', { status: 'archived' })), p: spawn('A'), want: OK },
    {
      name: 'a group without run: → refused, spawn its leaves',
      state: makeState([makeTask('G'), makeTask('G1', { parent: 'G' })]),
      p: spawn('G'),
      want: NO('G has subtasks; spawn its leaf tasks instead (aura checks a group when all its subtasks are done)'),
    },
    { name: 'a group with its own run: → ok', state: makeState([makeTask('G', { run: 'make all' }), makeTask('G1', { parent: 'G' })]), p: spawn('G'), want: OK },
    { name: 'running → refused, no hint', state: one({ status: 'running' }), p: spawn('A'), want: NO('A is running, only a pending task can be started') },
    { name: 'verifying → refused, no hint', state: one({ status: 'verifying' }), p: spawn('A'), want: NO('A is verifying, only a pending task can be started') },
    { name: 'done → refused, no hint', state: one({ status: 'done' }), p: spawn('A'), want: NO('A is done, only a pending task can be started') },
    {
      name: 'failed → refused with the reopen hint',
      state: one({ status: 'failed' }),
      p: spawn('A'),
      want: NO('A is failed, only a pending task can be started; reopen it with update_task status "pending" first'),
    },
    {
      name: 'blocked → refused with the reopen hint',
      state: one({ status: 'blocked', blockedBy: 'planner' }),
      p: spawn('A'),
      want: NO('A is blocked, only a pending task can be started; reopen it with update_task status "pending" first'),
    },
    { name: 'holdReason → refused with it', state: one(), p: spawn('A'), ctx: { holdReason: 'paused by a person' }, want: NO('nothing new may start: paused by a person') },
    {
      name: 'the status is judged before the hold',
      state: one({ status: 'running' }),
      p: spawn('A'),
      ctx: { holdReason: 'draining' },
      want: NO('A is running, only a pending task can be started'),
    },
    {
      name: 'the hold is judged before the dependencies',
      state: one({ needs: ['B'] }, makeTask('B')),
      p: spawn('A'),
      ctx: { holdReason: 'draining' },
      want: NO('nothing new may start: draining'),
    },
    { name: 'one dependency pending → waits', state: one({ needs: ['B'] }, makeTask('B')), p: spawn('A'), want: NO('A waits for B, which is not done yet') },
    {
      name: 'two dependencies running and pending → waits for both, listed',
      state: one({ needs: ['B', 'C'] }, makeTask('B', { status: 'running' }), makeTask('C')),
      p: spawn('A'),
      want: NO('A waits for B, C, which are not done yet'),
    },
    {
      name: "an ancestor's dependency gates the leaf",
      state: makeState([makeTask('P', { needs: ['B'] }), makeTask('A', { parent: 'P' }), makeTask('B')]),
      p: spawn('A'),
      want: NO('A waits for B, which is not done yet'),
    },
    { name: 'a failed dependency → broken', state: one({ needs: ['B'] }, makeTask('B', { status: 'failed' })), p: spawn('A'), want: NO('A needs B, which is failed') },
    { name: 'a blocked dependency → broken', state: one({ needs: ['B'] }, makeTask('B', { status: 'blocked' })), p: spawn('A'), want: NO('A needs B, which is blocked') },
    {
      name: 'broken wins over waiting',
      state: one({ needs: ['B', 'C'] }, makeTask('B'), makeTask('C', { status: 'failed' })),
      p: spawn('A'),
      want: NO('A needs C, which is failed'),
    },
    {
      name: 'notBefore in the future → backing off',
      state: one({ notBefore: at(30).toISOString() }),
      p: spawn('A'),
      want: NO('A is backing off after a failed attempt until 2026-03-01T10:00:30.000Z'),
    },
    { name: 'notBefore exactly now → ok', state: one({ notBefore: T0.toISOString() }), p: spawn('A'), want: OK },
    { name: 'notBefore in the past → ok', state: one({ notBefore: at(-1).toISOString() }), p: spawn('A'), want: OK },
    {
      name: 'running + verifying fill the slots → refused',
      state: one({}, makeTask('R1', { status: 'running' }), makeTask('R2', { status: 'verifying' })),
      p: spawn('A'),
      want: NO('2 worker(s) already running, the limit is 2 (AURA_MAX_CONCURRENT_TASKS); wait for one to finish'),
    },
    { name: 'one slot left → ok', state: one({}, makeTask('R1', { status: 'running' })), p: spawn('A'), want: OK },
    {
      name: 'a limit of 1 with one running → refused',
      state: one({}, makeTask('R1', { status: 'running' })),
      p: spawn('A'),
      ctx: { maxConcurrent: 1 },
      want: NO('1 worker(s) already running, the limit is 1 (AURA_MAX_CONCURRENT_TASKS); wait for one to finish'),
    },
    {
      name: 'workerProblem → refused with it',
      state: one({ worker: 'claude' }),
      p: spawn('A'),
      ctx: { workerProblem: (t) => (t.worker === 'claude' ? 'claude is not installed' : null) },
      want: NO('no worker can run A: claude is not installed'),
    },
    {
      name: 'workerProblem is asked last (concurrency first)',
      state: one({}, makeTask('R1', { status: 'running' })),
      p: spawn('A'),
      ctx: { maxConcurrent: 1, workerProblem: () => 'nope' },
      want: NO('1 worker(s) already running, the limit is 1 (AURA_MAX_CONCURRENT_TASKS); wait for one to finish'),
    },
  ]);
});

describe('judgeProposal: unknown tasks', () => {
  const many = makeState(Array.from({ length: 14 }, (_, i) => makeTask(`t${i + 1}`)));
  runRows([
    { name: 'lists the live ids', state: one({}, makeTask('B')), p: spawn('Z'), want: NO('there is no task "Z"; live task ids: A, B') },
    {
      name: 'an archived task counts as unknown and is not listed',
      state: one({}, makeTask('B', { status: 'archived' })),
      p: kill('B'),
      want: NO('there is no task "B"; live task ids: A'),
    },
    { name: 'no tasks → (none)', state: makeState([]), p: update('A', { notes: 'n' }), want: NO('there is no task "A"; live task ids: (none)') },
    {
      name: 'more than 12 → the first 12 and a count',
      state: many,
      p: decompose('nope', [child()]),
      want: NO('there is no task "nope"; live task ids: t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, … (2 more)'),
    },
    { name: 'ids are case-sensitive for lookup', state: one(), p: spawn('a'), want: NO('there is no task "a"; live task ids: A') },
  ]);
});

describe('judgeProposal: kill', () => {
  runRows([
    { name: 'running → ok', state: one({ status: 'running' }), p: kill('A'), want: OK },
    ...(['pending', 'verifying', 'done', 'failed', 'blocked'] as const).map(
      (s): Row => ({ name: `${s} → refused`, state: one({ status: s }), p: kill('A'), want: NO(`A is ${s}; only a running task has a worker to stop`) }),
    ),
  ]);
});

const doneRefusal = (id: string, seen: string) =>
  `refused: ${id} cannot be marked done by a proposal; a task is done only when aura's evidence gate passes ` +
  `(a clean worker exit, every produces: artifact present and changed, verify: exiting 0).${seen} ` +
  'Spawn a worker that produces the evidence, or decompose the task.';

describe('judgeProposal: update', () => {
  const failedWith = (n: number, patch: Partial<TaskState> = {}) => one({ status: 'failed', attempts: Array.from({ length: n }, (_, i) => exited(i + 1)), ...patch });
  runRows([
    { name: 'notes only → ok', state: one({ status: 'running' }), p: update('A', { notes: 'try the other API' }), want: OK },
    { name: 'cancel (archived) a task the planner made → ok, even running', state: one({ origin: 'planner', status: 'running' }), p: update('A', { status: 'archived' }), want: OK },
    {
      name: 'cancel a task.md item → refused: only a person removes it',
      state: one(),
      p: update('A', { status: 'archived' }),
      want: NO('A came from task.md (only a person removes it, by editing task.md); you can cancel only tasks you created'),
    },
    { name: 'cancel aura\'s own task → refused', state: one({ origin: 'aura' }), p: update('A', { status: 'archived' }), want: NO('A came from aura itself; you can cancel only tasks you created') },
    { name: 'cancel verified work → refused', state: one({ origin: 'planner', status: 'done' }), p: update('A', { status: 'archived' }), want: NO('A is done and verified; its result stays (add a new task for more work)') },
    { name: 'neither status nor notes → refused', state: one(), p: update('A'), want: NO('update_task needs a status or notes') },
    { name: 'empty notes count as none', state: one(), p: update('A', { notes: '' }), want: NO('update_task needs a status or notes') },
    {
      name: 'done with no attempts → refused, mentions the evidence gate',
      state: one(),
      p: update('A', { status: 'done', evidence: 'I looked, it is fine' }),
      want: NO(doneRefusal('A', ' No attempt has produced evidence yet.')),
    },
    {
      name: 'done on a failed task → refused, quotes the last evidence summary',
      state: one({ status: 'failed', attempts: [makeAttempt(1, { evidence: makeEvidence(false, 'not done: out.txt is missing') })] }),
      p: update('A', { status: 'done' }),
      want: NO(doneRefusal('A', ' The last evidence check said: not done: out.txt is missing.')),
    },
    {
      name: 'done: the latest attempt with evidence is quoted, even when a later one has none',
      state: one({
        status: 'pending',
        attempts: [
          makeAttempt(1, { evidence: makeEvidence(false, 'first check') }),
          makeAttempt(2, { evidence: makeEvidence(false, 'second check') }),
          makeAttempt(3, { outcome: 'killed', evidence: null }),
        ],
      }),
      p: update('A', { status: 'done' }),
      want: NO(doneRefusal('A', ' The last evidence check said: second check.')),
    },
    {
      name: 'done on a running task → refused by the evidence gate (not "kill first")',
      state: one({ status: 'running' }),
      p: update('A', { status: 'done' }),
      want: NO(doneRefusal('A', ' No attempt has produced evidence yet.')),
    },
    { name: 'done on a done task → ok (nothing changes)', state: one({ status: 'done' }), p: update('A', { status: 'done' }), want: OK },
    { name: 'same status → ok', state: failedWith(3), p: update('A', { status: 'failed' }), want: OK },
    { name: 'running → pending: kill first', state: one({ status: 'running' }), p: update('A', { status: 'pending' }), want: NO('A is running; use kill_task to stop its worker first') },
    { name: 'running → failed: kill first', state: one({ status: 'running' }), p: update('A', { status: 'failed' }), want: NO('A is running; use kill_task to stop its worker first') },
    { name: 'verifying → blocked: kill first', state: one({ status: 'verifying' }), p: update('A', { status: 'blocked' }), want: NO('A is verifying; use kill_task to stop its worker first') },
    { name: 'failed → pending with attempts left → ok', state: failedWith(2), p: update('A', { status: 'pending' }), want: OK },
    {
      name: 'failed → pending with all attempts used → refused',
      state: failedWith(3),
      p: update('A', { status: 'pending' }),
      want: NO('A has used all 3 attempts (AURA_MAX_ATTEMPTS); it can only be reopened by editing task.md, or decompose it into smaller tasks'),
    },
    { name: 'attempts before attemptBase do not count', state: failedWith(3, { attemptBase: 1 }), p: update('A', { status: 'pending' }), want: OK },
    {
      name: 'a lost attempt does not count',
      state: one({ status: 'failed', attempts: [exited(1), exited(2), makeAttempt(3, { outcome: 'lost' })] }),
      p: update('A', { status: 'pending' }),
      want: OK,
    },
    { name: 'failed → blocked: not in the table', state: failedWith(1), p: update('A', { status: 'blocked' }), want: NO('A cannot go from failed to blocked') },
    { name: 'done → failed: verified work stays done', state: one({ status: 'done' }), p: update('A', { status: 'failed' }), want: NO('A is done and verified; it stays done (a person can reopen it with aura retry or an edit of task.md); add a new task for more work') },
    { name: 'done → blocked: verified work stays done', state: one({ status: 'done' }), p: update('A', { status: 'blocked' }), want: NO('A is done and verified; it stays done (a person can reopen it with aura retry or an edit of task.md); add a new task for more work') },
    { name: 'done → pending (reopen): a person\'s call, not the model\'s', state: one({ status: 'done' }), p: update('A', { status: 'pending' }), want: NO('A is done and verified; it stays done (a person can reopen it with aura retry or an edit of task.md); add a new task for more work') },
    {
      name: 'blocked by auth → pending refused',
      state: one({ status: 'blocked', blockedBy: 'auth' }),
      p: update('A', { status: 'pending' }),
      want: NO('A is blocked by refused credentials (a person must fix them)'),
    },
    {
      name: 'blocked by the watchdog → pending refused',
      state: one({ status: 'blocked', blockedBy: 'watchdog' }),
      p: update('A', { status: 'pending' }),
      want: NO('A is blocked by the watchdog (its resource-fix subtask must finish first)'),
    },
    { name: 'blocked by auth → failed (giving up) → ok', state: one({ status: 'blocked', blockedBy: 'auth' }), p: update('A', { status: 'failed' }), want: OK },
    { name: 'blocked by the planner → pending → ok', state: one({ status: 'blocked', blockedBy: 'planner' }), p: update('A', { status: 'pending' }), want: OK },
    { name: 'blocked by deps → pending → ok', state: one({ status: 'blocked', blockedBy: 'deps' }), p: update('A', { status: 'pending' }), want: OK },
    { name: 'pending → blocked → ok', state: one(), p: update('A', { status: 'blocked' }), want: OK },
    { name: 'pending → failed → ok', state: one(), p: update('A', { status: 'failed' }), want: OK },
  ]);
});

describe('judgeProposal: decompose', () => {
  const P = (patch: Partial<TaskState> = {}) => makeState([makeTask('P', patch), makeTask('Q')]);
  const where = 'children[0] ("write x")';
  const unsafeIds: Array<[string, string]> = [
    ['A1./../../escaped', 'it contains characters other than letters, digits, ".", "_" and "-"'],
    ['../x', 'it contains characters other than letters, digits, ".", "_" and "-"'],
    ['a/b', 'it contains characters other than letters, digits, ".", "_" and "-"'],
    ['has space', 'it contains characters other than letters, digits, ".", "_" and "-"'],
    ['.hidden', 'it starts with "."'],
    ['-flag', 'it starts with "-" (it would read as a command-line flag)'],
    ['a..b', 'it contains ".."'],
    ['none', '"none" is reserved (`needs: none` means no dependencies)'],
    ['NONE', '"none" is reserved (`needs: none` means no dependencies)'],
    ['x'.repeat(65), 'it is longer than 64 characters'],
    ['', 'it is empty'],
  ];
  const unsafePaths: Array<[string, string]> = [
    ['../out.txt', '"../out.txt" contains "..", which is not allowed (even when it stays inside); give a path relative to the project root, without ".."'],
    ['src/../../x', '"src/../../x" contains "..", which is not allowed (even when it stays inside); give a path relative to the project root, without ".."'],
    ['/etc/passwd', '"/etc/passwd" is an absolute path; give a path relative to the project root'],
    ['~/notes.md', '"~/notes.md" starts with "~", which is not expanded (home directories are outside the project); give a path relative to the project root'],
    ['.env', '".env" is an environment file (.env, .env.*, .envrc) that may hold secrets; file tools cannot use it'],
    [
      '.aura/state/state.json',
      '".aura/state/state.json" is not available to file tools: ".aura" is aura\'s own directory (.aura); aura gives you the run\'s state, journal and worker outputs itself',
    ],
    ['C:\\x.txt', '"C:\\\\x.txt" is a Windows-style path; give a path relative to the project root, with "/" between names'],
  ];
  runRows([
    { name: 'one child with an id → ok', state: P(), p: decompose('P', [child({ id: 'x', produces: ['out/x.txt'], needs: ['Q'], worker: 'shell' })]), want: OK },
    { name: 'children without ids → ok', state: P(), p: decompose('P', [child(), child({ title: 'write y' })]), want: OK },
    { name: 'a blocked parent → ok', state: P({ status: 'blocked', blockedBy: 'planner' }), p: decompose('P', [child()]), want: OK },
    { name: 'a parent that already has children → ok', state: makeState([makeTask('P'), makeTask('P1', { parent: 'P' })]), p: decompose('P', [child()]), want: OK },
    ...(['running', 'verifying', 'done', 'failed'] as const).map(
      (s): Row => ({ name: `a ${s} parent → refused`, state: P({ status: s }), p: decompose('P', [child()]), want: NO(`P is ${s}; only a pending or blocked task can be decomposed`) }),
    ),
    { name: 'no children → refused', state: P(), p: decompose('P', []), want: NO('decompose_task needs at least one child') },
    {
      name: 'too many tasks → refused with the count',
      state: P(),
      p: decompose('P', [child(), child({ title: 'write y' })]),
      ctx: { maxTasks: 3 },
      want: NO('that would make 4 tasks; the limit is 3'),
    },
    { name: 'exactly at the task limit → ok', state: P(), p: decompose('P', [child()]), ctx: { maxTasks: 3 }, want: OK },
    {
      name: 'archived tasks count toward the limit',
      state: makeState([makeTask('P'), makeTask('Q', { status: 'archived' })]),
      p: decompose('P', [child()]),
      ctx: { maxTasks: 2 },
      want: NO('that would make 3 tasks; the limit is 2'),
    },
    ...unsafeIds.map(
      ([id, why]): Row => ({
        name: `unsafe id ${JSON.stringify(id.slice(0, 20))} → refused`,
        state: P(),
        p: decompose('P', [child({ id })]),
        want: NO(`${where}: id ${JSON.stringify(id)} is unsafe: ${why}`),
      }),
    ),
    { name: 'a 64-character id → ok', state: P(), p: decompose('P', [child({ id: 'x'.repeat(64) })]), want: OK },
    { name: 'an id taken by a live task → refused', state: P(), p: decompose('P', [child({ id: 'Q' })]), want: NO(`${where}: id "Q" is already taken by a live task; choose another id or leave id out`) },
    { name: 'an id taken by the parent itself → refused', state: P(), p: decompose('P', [child({ id: 'P' })]), want: NO(`${where}: id "P" is already taken by a live task; choose another id or leave id out`) },
    { name: 'an id taken in another case → refused', state: P(), p: decompose('P', [child({ id: 'q' })]), want: NO(`${where}: id "q" is already taken by a live task; choose another id or leave id out`) },
    {
      name: 'an id taken by an archived task → refused',
      state: makeState([makeTask('P'), makeTask('old', { status: 'archived' })]),
      p: decompose('P', [child({ id: 'old' })]),
      want: NO(`${where}: id "old" is already taken by an archived task (new in task.md); ids stay taken so its history keeps its name; choose another id or leave id out`),
    },
    {
      name: 'duplicate sibling ids → refused',
      state: P(),
      p: decompose('P', [child({ id: 'x' }), child({ id: 'x', title: 'write y' })]),
      want: NO('children[1] ("write y"): id "x" is given to two children'),
    },
    {
      name: 'duplicate sibling ids differing in case → refused',
      state: P(),
      p: decompose('P', [child({ id: 'Build' }), child({ id: 'bUILD', title: 'build again' })]),
      want: NO('children[1] ("build again"): id "bUILD" is given to two children'),
    },
    ...unsafePaths.map(
      ([a, why]): Row => ({
        name: `artifact ${JSON.stringify(a)} → refused`,
        state: P(),
        p: decompose('P', [child({ produces: ['ok.txt', a] })]),
        want: NO(`${where}: artifact ${JSON.stringify(a)} refused: ${why}`),
      }),
    ),
    {
      name: 'the injected pathProblem decides (a context that refuses everything)',
      state: P(),
      p: decompose('P', [child({ produces: ['fine.txt'] })]),
      ctx: { pathProblem: () => 'no artifacts today' },
      want: NO(`${where}: artifact "fine.txt" refused: no artifacts today`),
    },
    {
      name: 'the injected idProblem decides',
      state: P(),
      p: decompose('P', [child({ id: 'good' })]),
      ctx: { idProblem: (id) => (id === 'good' ? 'too good' : null) },
      want: NO(`${where}: id "good" is unsafe: too good`),
    },
    { name: 'an unknown worker → refused, naming the known ones', state: P(), p: decompose('P', [child({ worker: 'gpt' })]), want: NO(`${where}: unknown worker "gpt"; one of shell, claude`) },
    { name: 'a known worker → ok', state: P(), p: decompose('P', [child({ worker: 'claude' })]), want: OK },
    {
      name: 'needs an unknown task → refused',
      state: P(),
      p: decompose('P', [child({ needs: ['nope'] })]),
      want: NO(`${where}: needs "nope", which is neither a live task nor a sibling's id`),
    },
    {
      name: 'needs an archived task → refused',
      state: makeState([makeTask('P'), makeTask('old', { status: 'archived' })]),
      p: decompose('P', [child({ needs: ['old'] })]),
      want: NO(`${where}: needs "old", which is neither a live task nor a sibling's id`),
    },
    { name: 'needs a live task → ok', state: P(), p: decompose('P', [child({ needs: ['Q'] })]), want: OK },
    { name: "needs a later sibling's id → ok", state: P(), p: decompose('P', [child({ needs: ['y'] }), child({ id: 'y', title: 'write y' })]), want: OK },
    { name: 'needs itself → refused as a self-need', state: P(), p: decompose('P', [child({ id: 'x', needs: ['x'] })]), want: NO(`${where}: a task cannot need itself`) },
    {
      name: 'a cycle of two siblings → refused with the path',
      state: P(),
      p: decompose('P', [child({ id: 'a', needs: ['b'] }), child({ id: 'b', title: 'write b', needs: ['a'] })]),
      want: NO("the children's needs form a cycle: a → b → a"),
    },
    {
      name: 'a cycle of three siblings → refused with the path',
      state: P(),
      p: decompose('P', [child({ id: 'a', needs: ['b'] }), child({ id: 'b', needs: ['c'] }), child({ id: 'c', needs: ['a'] })]),
      want: NO("the children's needs form a cycle: a → b → c → a"),
    },
    {
      name: 'a chain (no cycle) with a shared dependency → ok',
      state: P(),
      p: decompose('P', [child({ id: 'a', needs: ['b', 'c'] }), child({ id: 'b', needs: ['c'] }), child({ id: 'c', needs: ['Q'] })]),
      want: OK,
    },
    {
      name: 'the title in the message is cut at 40 characters',
      state: P(),
      p: decompose('P', [child({ title: 'a'.repeat(50), id: '.x' })]),
      want: NO(`children[0] ("${'a'.repeat(40)}"): id ".x" is unsafe: it starts with "."`),
    },
    {
      name: 'the first bad child is named by its index',
      state: P(),
      p: decompose('P', [child(), child({ title: 'second' }), child({ title: 'third', produces: ['.git/config'] })]),
      want: NO('children[2] ("third"): artifact ".git/config" refused: ".git/config" is not available to file tools: ".git" is git\'s internal data (.git)'),
    },
  ]);
});

describe('judgeProposal: memory, context and no_op always pass', () => {
  const empty = makeState([]);
  const all: Proposal[] = [
    { type: 'memory', section: 'facts', text: 'x' },
    { type: 'memory', section: 'session', text: 'x' },
    { type: 'context', fields: { summary: '' } },
    { type: 'no_op', reason: 'idle' },
    { type: 'no_op', reason: 'idle', wakeAfterSeconds: 60 },
  ];
  for (const p of all) {
    it(`${p.type} ${JSON.stringify(p)} → ok even with a hold and no tasks`, () => {
      assert.deepEqual(judgeProposal(empty, p, ctx({ holdReason: 'paused', maxTasks: 0 })), OK);
    });
  }
});

describe('buildChildren', () => {
  const derive = (title: string, taken: ReadonlySet<string>) => uniqueId(deriveId(title), taken);
  const now = at(60);
  const iso = now.toISOString();
  const state = () => makeState([makeTask('P', { line: 7 }), makeTask('P1', { parent: 'P' }), makeTask('p-write-docs'), makeTask('P-Tests', { status: 'archived' })]);

  it('builds the full task: origin planner, acceptance in extra and notes, budget in ms, order after existing children', () => {
    const s = state();
    const parent = s.tasks.P!;
    const spec: ChildSpec = {
      id: 'api',
      title: 'Build the API',
      acceptance: 'GET /health answers 200',
      produces: ['src/api.ts'],
      verify: 'npm test',
      needs: ['P1'],
      run: 'make api',
      worker: 'shell',
      budgetMinutes: 1.5,
    };
    const { parent: after, created } = buildChildren(s, parent, [spec], now, derive);
    assert.deepEqual(created, [
      {
        id: 'api',
        title: 'Build the API',
        parent: 'P',
        children: [],
        origin: 'planner',
        run: 'make api',
        produces: ['src/api.ts'],
        verify: 'npm test',
        needs: ['P1'],
        budgetMs: 90_000,
        worker: 'shell',
        extra: { acceptance: 'GET /health answers 200' },
        notes: 'Acceptance: GET /health answers 200',
        userChecked: false,
        line: 7,
        order: 1,
        status: 'pending',
        reason: 'created by the planner under P',
        attempts: [],
        attemptBase: 0,
        blockedBy: null,
        notBefore: null,
        voidTick: false,
        createdAt: iso,
        updatedAt: iso,
      },
    ]);
    assert.deepEqual(after.children, ['P1', 'api']);
    assert.deepEqual(s.tasks.P!.children, ['P1'], 'the parent in the state is not mutated');
    for (const t of created) TaskState.parse(t);
  });

  it('leaves optional fields out when not given', () => {
    const s = state();
    const { created } = buildChildren(s, s.tasks.P!, [{ id: 'bare', title: 'Bare', acceptance: '', produces: [], needs: [] }], now, derive);
    const t = created[0]!;
    for (const k of ['run', 'verify', 'worker', 'budgetMs'] as const) assert.equal(k in t, false, `${k} should be absent`);
    assert.deepEqual(t.extra, {});
    assert.equal(t.origin, 'planner');
    assert.equal(t.notes, '');
  });

  it('derives ids from parent id and title, unique against existing (any case, archived too) and explicit siblings', () => {
    const s = state();
    const specs: ChildSpec[] = [
      { title: 'Write docs', acceptance: 'a', produces: [], needs: [] }, // p-write-docs is taken → -2
      { title: 'Tests', acceptance: 'a', produces: [], needs: [] }, // P-Tests (archived) takes p-tests → -2
      { title: 'X', acceptance: 'a', produces: [], needs: [] }, // p-x would clash with the explicit id below → -2
      { id: 'p-x', title: 'explicit', acceptance: 'a', produces: [], needs: [] },
      { title: 'Write docs', acceptance: 'a', produces: [], needs: [] }, // again → -3
    ];
    const { parent, created } = buildChildren(s, s.tasks.P!, specs, now, derive);
    assert.deepEqual(
      created.map((t) => t.id),
      ['p-write-docs-2', 'p-tests-2', 'p-x-2', 'p-x', 'p-write-docs-3'],
    );
    assert.deepEqual(
      created.map((t) => t.order),
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual(parent.children, ['P1', 'p-write-docs-2', 'p-tests-2', 'p-x-2', 'p-x', 'p-write-docs-3']);
    assert.ok(created.every((t) => t.parent === 'P' && t.origin === 'planner' && t.status === 'pending'));
  });

  it('a tiny budget still makes a valid (positive integer) budgetMs', () => {
    const s = state();
    const { created } = buildChildren(s, s.tasks.P!, [{ id: 'tiny', title: 't', acceptance: 'a', produces: [], needs: [], budgetMinutes: 0.000001 }], now, derive);
    assert.equal(created[0]!.budgetMs, 1);
    TaskState.parse(created[0]);
  });

  it('an accepted decompose builds children that are themselves spawnable once their needs are done', () => {
    const s = state();
    const specs: ChildSpec[] = [
      { id: 'one', title: 'one', acceptance: 'a', produces: [], needs: [] },
      { id: 'two', title: 'two', acceptance: 'a', produces: [], needs: ['one'] },
    ];
    assert.deepEqual(judgeProposal(s, decompose('P', specs), ctx()), OK);
    const { parent, created } = buildChildren(s, s.tasks.P!, specs, now, derive);
    const next: RunState = { ...s, tasks: { ...s.tasks, P: parent, ...Object.fromEntries(created.map((t) => [t.id, t])) } };
    assert.deepEqual(judgeProposal(next, spawn('one'), ctx()), OK);
    assert.deepEqual(judgeProposal(next, spawn('two'), ctx()), NO('two waits for one, which is not done yet'));
    assert.deepEqual(judgeProposal(next, spawn('P'), ctx()), NO('P has subtasks; spawn its leaf tasks instead (aura checks a group when all its subtasks are done)'));
  });
});

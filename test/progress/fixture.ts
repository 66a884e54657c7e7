// A realistic run, built in code: nested tasks, a verified task, a running worker, a retry waiting
// on notBefore, a failed task whose verify fails, a blocked one, and one removed from task.md.
import { RunState, type Attempt, type Evidence, type JournalEntry, type TaskState } from '../../src/store/schema.js';
import type { DaemonInfo, ProgressInput } from '../../src/progress/types.js';

export const NOW = new Date('2025-03-01T14:03:12.000Z');
const at = (hhmmss: string): string => `2025-03-01T${hhmmss}.000Z`;

export function attempt(over: Partial<Attempt> & { n: number }): Attempt {
  return {
    dir: `workspace/tasks/x/attempt-${over.n}`,
    worker: 'shell',
    marker: `m${over.n}`,
    startedAt: at('12:00:00'),
    deadline: null,
    process: null,
    job: null,
    priorArtifacts: [],
    contract: null,
    fenceMs: null,
    worktree: null,
    merge: null,
    endedAt: at('12:01:00'),
    outcome: 'exited',
    exitCode: 0,
    signal: null,
    stopReason: null,
    stopData: null,
    classification: null,
    usage: null,
    evidence: null,
    ...over,
  };
}

export function task(over: Partial<TaskState> & { id: string }): TaskState {
  return {
    title: over.id,
    parent: null,
    children: [],
    status: 'pending',
    reason: '',
    produces: [],
    needs: [],
    extra: {},
    notes: '',
    voidTick: false,
    origin: 'taskfile',
    userChecked: false,
    line: 1,
    order: 0,
    attempts: [],
    attemptBase: 0,
    blockedBy: null,
    notBefore: null,
    createdAt: at('12:00:00'),
    updatedAt: at('12:00:00'),
    ...over,
  };
}

const passed: Evidence = {
  checkedAt: at('12:10:04'),
  passed: true,
  summary: 'all 1 artifacts fresh; verify exited 0',
  workerClean: true,
  artifacts: [{ path: 'dist/index.html', exists: true, size: 12_634, fresh: true, ok: true }],
  verify: {
    command: 'test -s dist/index.html',
    exitCode: 0,
    signal: null,
    timedOut: false,
    durationMs: 40,
    ok: true,
    outputTail: 'checking dist\nok: index.html present\n',
  },
};

const verifyFailed = (n: number): Evidence => ({
  checkedAt: at('13:50:00'),
  passed: false,
  summary: 'verify exited 1',
  workerClean: true,
  artifacts: [
    { path: 'site.tar.gz', exists: true, size: 2_400_000, fresh: true, ok: true },
    { path: 'deploy/receipt.json', exists: false, size: 0, fresh: false, ok: false },
  ],
  verify: {
    command: 'npm run check:deploy',
    exitCode: 1,
    signal: null,
    timedOut: false,
    durationMs: 2_300,
    ok: false,
    outputTail: [`run ${n}`, 'line 1', 'line 2', 'line 3', 'Error: upload rejected (HTTP 403)', '    at deploy.js:12', ''].join('\n'),
    logPath: `logs/publish-${n}.log`,
  },
});

export function fixtureState(): RunState {
  const tasks: Record<string, TaskState> = {
    setup: task({
      id: 'setup',
      title: 'Set up the repo',
      status: 'done',
      reason: 'verified',
      line: 5,
      attempts: [attempt({ n: 1, startedAt: at('12:05:00'), endedAt: at('12:10:00'), evidence: passed })],
    }),
    site: task({ id: 'site', title: 'Build the site', children: ['pages', 'feed', 'assets'], reason: 'waiting for its subtasks', line: 7, order: 1 }),
    pages: task({
      id: 'pages',
      title: 'Render pages',
      parent: 'site',
      status: 'running',
      reason: 'worker started',
      line: 8,
      attempts: [
        attempt({ n: 1, endedAt: at('13:00:00'), exitCode: 2, evidence: { ...verifyFailed(0), summary: 'pages: verify exited 1' } }),
        attempt({
          n: 2,
          command: 'npm run build:pages',
          startedAt: at('13:59:52'), // 3m 20s before NOW
          deadline: at('14:09:52'), // 6m 40s after NOW
          process: { pid: 4242, startTicks: 100, pgid: 4242 },
          endedAt: null,
          outcome: null,
          exitCode: null,
        }),
      ],
    }),
    feed: task({
      id: 'feed',
      title: 'Feed | RSS `atom` <b>feed</b>',
      parent: 'site',
      order: 1,
      line: 9,
      reason: 'attempt 1 timed out; retrying with backoff',
      notBefore: at('14:05:00'),
      attempts: [attempt({ n: 1, outcome: 'timeout', exitCode: null, signal: 'SIGTERM', startedAt: at('13:40:00'), endedAt: at('13:50:00') })],
    }),
    assets: task({
      id: 'assets',
      title: 'Copy assets',
      parent: 'site',
      status: 'verifying',
      order: 2,
      line: 10,
      reason: 'worker exited 0; checking evidence',
      attempts: [attempt({ n: 1, startedAt: at('14:00:00'), endedAt: at('14:03:00') })],
    }),
    publish: task({
      id: 'publish',
      title: 'Publish the site',
      status: 'failed',
      order: 2,
      line: 12,
      reason: 'out of attempts (3): verify exited 1',
      attempts: [1, 2, 3].map((n) => attempt({ n, evidence: verifyFailed(n) })),
    }),
    announce: task({ id: 'announce', title: 'Announce it', status: 'blocked', order: 3, line: 14, reason: 'needs publish, which failed' }),
    'old-docs': task({
      id: 'old-docs',
      title: 'Write old docs',
      status: 'archived',
      reason: 'removed from task.md',
      attempts: [attempt({ n: 1, evidence: passed })],
    }),
  };
  // Parsed, so the fixture is checked against the real schema and fails loudly if the two drift.
  return RunState.parse({
    schemaVersion: 1,
    runId: 'run-1',
    taskFile: '/home/me/site/task.md',
    goal: 'Ship the static site',
    context: '',
    goalOnly: false,
    taskFileHash: 'abc',
    createdAt: at('12:00:00'),
    updatedAt: at('14:03:00'),
    cycle: 42,
    journalSeq: 311,
    journalBytes: 0,
    roots: ['setup', 'site', 'publish', 'announce'],
    tasks,
    doneAt: null,
    pause: null,
    planner: null,
    taskFileWarnings: [],
  } satisfies RunState);
}

export function journal(count = 14): JournalEntry[] {
  const kinds: JournalEntry['kind'][] = ['wake', 'decision', 'status', 'attempt', 'evidence'];
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length] ?? 'wake';
    const seq = 300 + i - count + 12;
    const ts = new Date(NOW.getTime() - (count - i) * 10_000).toISOString();
    const e: JournalEntry = { seq: Math.max(1, seq), ts, cycle: 42, kind, msg: `${kind} #${i}` };
    if (kind === 'status') Object.assign(e, { task: 'publish', from: 'running', to: 'failed', msg: `verify exited 1 (#${i})` });
    if (kind === 'decision') Object.assign(e, { task: 'pages', msg: `start attempt 2 (#${i})` });
    return e;
  });
}

export const DAEMON: DaemonInfo = {
  pid: 4100,
  mode: 'running',
  nextWakeAt: at('14:05:00'),
  startedAt: at('12:00:00'),
};

export function fixtureInput(over: Partial<ProgressInput> = {}): ProgressInput {
  return { state: fixtureState(), journalTail: journal(), daemon: DAEMON, now: NOW, ...over };
}

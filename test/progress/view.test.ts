import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskView } from '../../src/progress/types.js';
import { buildView } from '../../src/progress/view.js';
import { attempt, DAEMON, fixtureInput, fixtureState, journal, NOW, task } from './fixture.js';

function search(tasks: readonly TaskView[], id: string): TaskView | null {
  for (const t of tasks) {
    const hit = t.id === id ? t : search(t.children, id);
    if (hit) return hit;
  }
  return null;
}
function find(tasks: readonly TaskView[], id: string): TaskView {
  const hit = search(tasks, id);
  if (!hit) throw new Error(`no task ${id}`);
  return hit;
}

describe('buildView', () => {
  const view = buildView(fixtureInput());

  it('keeps task.md order and nesting, archived tasks apart', () => {
    assert.deepEqual(view.tasks.all().map((t) => t.id), ['setup', 'site', 'publish', 'announce']);
    assert.deepEqual(find(view.tasks.all(), 'site').children.map((t) => t.id), ['pages', 'feed', 'assets']);
    assert.deepEqual(view.removed.all().map((t) => t.id), ['old-docs']);
    assert.equal(view.removed.all()[0]?.symbol, '🗄');
  });

  it('counts every status', () => {
    assert.deepEqual(view.counts, { done: 1, running: 1, verifying: 1, pending: 2, failed: 1, blocked: 1, archived: 1 });
  });

  it('says what is going on in one line', () => {
    assert.equal(view.overall.state, 'working');
    assert.equal(
      view.overall.line,
      'Working — 1 running, 1 verifying, 1 done of 7, 1 failed, 1 blocked, needs attention, next wake 14:05:00 UTC',
    );
    assert.equal(view.overall.needsAttention, true);
  });

  it('gives each status its symbol, and a retry its due time', () => {
    const sym = (id: string) => find(view.tasks.all(), id).symbol;
    assert.equal(sym('setup'), '✅');
    assert.equal(sym('pages'), '🔄');
    assert.equal(sym('assets'), '🔍');
    assert.equal(sym('site'), '🔄', 'a pending group whose subtask runs shows as running');
    assert.equal(find(view.tasks.all(), 'site').statusText, 'running (a subtask is)');
    assert.equal(sym('publish'), '❌');
    assert.equal(sym('announce'), '⛔');
    const feed = find(view.tasks.all(), 'feed');
    assert.equal(feed.symbol, '⏸');
    assert.equal(feed.statusText, 'pending retry until 14:05:00 UTC');
    assert.equal(feed.lastEnd, 'attempt 1 ran out of budget after 10m 00s');
  });

  it('a retry already due is plain pending', () => {
    const later = buildView(fixtureInput({ now: new Date('2025-03-01T14:06:00Z') }));
    const feed = find(later.tasks.all(), 'feed');
    assert.equal(feed.symbol, '⏳');
    assert.equal(feed.statusText, 'pending');
  });

  it('shows the attempt in progress with elapsed time and budget', () => {
    const pages = find(view.tasks.all(), 'pages');
    assert.equal(pages.attempts, 2);
    assert.deepEqual(pages.current, {
      n: 2,
      startedAt: '2025-03-01T13:59:52.000Z',
      elapsedMs: 200_000,
      elapsed: '3m 20s',
      budget: '6m 40s left',
    });
    assert.equal(pages.evidence?.attempt, 1, 'evidence comes from the last attempt that has some');
  });

  it('carries the evidence: artifacts with size or why, verify with exit code and tail', () => {
    const setup = find(view.tasks.all(), 'setup').evidence;
    assert.ok(setup?.passed);
    assert.deepEqual(setup.artifacts, [{ path: 'dist/index.html', ok: true, detail: '12.3 KB' }]);
    assert.equal(setup.verify?.result, 'exit 0 in 0s');

    const publish = find(view.tasks.all(), 'publish').evidence;
    assert.ok(publish && !publish.passed);
    assert.equal(publish.attempt, 3);
    assert.deepEqual(publish.artifacts[0], { path: 'deploy/receipt.json', ok: false, detail: 'missing' }, 'failures first');
    assert.equal(publish.verify?.result, 'exit 1 in 2s');
    assert.deepEqual(publish.verify?.tail, ['line 1', 'line 2', 'line 3', 'Error: upload rejected (HTTP 403)', '    at deploy.js:12']);
    assert.equal(publish.verify?.logPath, 'logs/publish-3.log');
  });

  it('lists running workers with pid, command, elapsed and budget', () => {
    assert.deepEqual(view.workers, [
      {
        taskId: 'pages',
        title: 'Render pages',
        pid: 4242,
        command: 'npm run build:pages',
        startedAt: '2025-03-01 13:59:52 UTC',
        elapsedMs: 200_000,
        elapsed: '3m 20s',
        budget: '6m 40s left',
        overBudget: false,
        resources: null,
      },
    ]);
    const late = buildView(fixtureInput({ now: new Date('2025-03-01T14:11:00Z') }));
    assert.equal(late.workers[0]?.budget, 'over by 1m 08s');
    assert.equal(late.workers[0]?.overBudget, true);
  });

  it('keeps the last decisions and status changes, newest first', () => {
    const tail = journal(40);
    const v = buildView(fixtureInput({ journalTail: tail }));
    assert.equal(v.decisions.length, 10);
    const expected = tail.filter((e) => e.kind === 'decision' || e.kind === 'status').slice(-10).reverse();
    assert.deepEqual(v.decisions.map((d) => d.seq), expected.map((e) => e.seq));
    const status = v.decisions.find((d) => d.kind === 'status');
    assert.match(status?.text ?? '', /^running → failed: verify exited 1/);
    assert.equal(status?.taskTitle, 'Publish the site');
    assert.match(v.decisions[0]?.time ?? '', /^2025-03-01 \d\d:\d\d:\d\d UTC$/);
  });

  it('adds totals and daemon facts', () => {
    assert.deepEqual(view.totals, {
      tasks: 7,
      archived: 1,
      attempts: 9,
      runTime: '2h 03m',
      since: '2025-03-01 12:00:00 UTC',
      finished: false,
      cycle: 42,
      usage: null,
      planner: null,
    });
    assert.deepEqual(view.daemon, { pid: 4100, mode: 'running', nextWake: '14:05:00 UTC', uptime: '2h 03m', note: null });
    assert.equal(view.generatedAt, '2025-03-01 14:03:12 UTC');
  });

  it('reports a finished run as done and verified', () => {
    const state = fixtureState();
    for (const t of Object.values(state.tasks)) {
      if (t.status === 'archived') continue;
      t.status = 'done';
      t.attempts = [attempt({ n: 1, evidence: state.tasks.setup?.attempts[0]?.evidence ?? null })];
    }
    state.doneAt = '2025-03-01T14:00:00.000Z';
    const v = buildView({ state, journalTail: [], daemon: { ...DAEMON, mode: 'done', pid: null }, now: NOW });
    assert.equal(v.overall.line, 'Done — all 7 tasks verified at 2025-03-01 14:00:00 UTC');
    assert.equal(v.totals.runTime, '2h 00m', 'run time stops at doneAt');
    assert.equal(v.daemon.nextWake, null);
  });

  it('reports a stopped daemon with failures as needing attention', () => {
    const state = fixtureState();
    for (const t of Object.values(state.tasks)) if (t.status !== 'archived' && t.status !== 'failed') t.status = 'done';
    const v = buildView({ state, journalTail: [], daemon: { ...DAEMON, mode: 'stopped', pid: null }, now: NOW });
    assert.equal(v.overall.state, 'stopped');
    assert.equal(v.overall.line, 'Stopped — 6 done of 7, 1 failed, needs attention');
  });

  it('says when nothing can move, and when it is only waiting for a retry', () => {
    const state = fixtureState();
    for (const t of Object.values(state.tasks)) if (t.status === 'running' || t.status === 'verifying') t.status = 'done';
    for (const t of Object.values(state.tasks)) t.attempts = t.attempts.map((a) => ({ ...a, endedAt: a.endedAt ?? a.startedAt }));
    const waiting = buildView({ state, journalTail: [], daemon: { ...DAEMON, mode: 'sleeping' }, now: NOW });
    assert.equal(waiting.overall.state, 'waiting');
    assert.match(waiting.overall.line, /next retry 14:05:00 UTC/);
    for (const t of Object.values(state.tasks)) if (t.status === 'pending') t.status = 'blocked';
    const stuck = buildView({ state, journalTail: [], daemon: DAEMON, now: NOW });
    assert.equal(stuck.overall.state, 'stuck');
    assert.equal(stuck.overall.needsAttention, true);
  });

  it('survives imperfect state: unknown ids, cycles, orphans, bad timestamps', () => {
    const state = fixtureState();
    state.roots = ['ghost', 'a', 'a'];
    state.tasks = {
      a: task({ id: 'a', children: ['b', 'ghost'] }),
      b: task({ id: 'b', parent: 'a', children: ['a'] }),
      orphan: task({ id: 'orphan', parent: 'nowhere', children: ['kid'], notBefore: 'garbage' }),
      kid: task({ id: 'kid', parent: 'orphan', status: 'archived', children: ['live'] }),
      stray: task({ id: 'stray', parent: 'a' }), // its parent does not list it
      live: task({ id: 'live', parent: 'kid' }),
    };
    const v = buildView({ state, journalTail: [], daemon: DAEMON, now: NOW });
    assert.deepEqual(v.tasks.all().map((t) => t.id), ['a', 'orphan', 'stray']);
    assert.deepEqual(v.tasks.all()[0]?.children.map((t) => t.id), ['b']);
    assert.deepEqual(v.removed.all().map((t) => t.id), ['kid']);
    assert.deepEqual(v.tasks.all()[1]?.children.map((t) => t.id), ['live'], 'a live task under an archived one is not lost');
    assert.equal(v.tasks.all()[1]?.statusText, 'pending');
  });

  it('does not read the clock itself', () => {
    const a = buildView(fixtureInput());
    const b = buildView(fixtureInput());
    // The task lists are made on demand (functions); compare what they give.
    const plain = (v: typeof a) => ({ ...v, tasks: v.tasks.all(), removed: v.removed.all(), listed: v.tasks.list(3) });
    assert.deepEqual(plain(a), plain(b));
  });
});

describe('usage and live resources', () => {
  it('sums tokens and cost per task and per run, and shows live figures for running workers', async () => {
    const { renderMarkdown } = await import('../../src/progress/markdown.js');
    const { statusJson, StatusJson } = await import('../../src/progress/status-json.js');
    const { loadProgressTemplate } = await import('../../src/progress/load-template.js');
    const state = fixtureState();
    const first = Object.values(state.tasks).find((t) => t.attempts.length > 0)!;
    const usage = { inputTokens: 1000, outputTokens: 234, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.0123 };
    state.tasks[first.id] = { ...first, attempts: first.attempts.map((a, i) => (i === 0 ? { ...a, usage } : a)) };
    const running = Object.values(state.tasks).find((t) => t.status === 'running')!;
    const daemon = { ...DAEMON, resources: { [running.id]: 'CPU 12% · RSS 340 MB (peak 410 MB) ▁▃▅' } };
    const view = buildView(fixtureInput({ state, daemon }));
    assert.equal(view.totals.usage, '1.2k tokens · $0.0123');
    const find = (ts: TaskView[]): TaskView | undefined => ts.map((t) => (t.id === first.id ? t : find(t.children))).find(Boolean);
    assert.equal(find(view.tasks.all())?.usage, '1.2k tokens · $0.0123');
    assert.equal(view.workers.find((w) => w.taskId === running.id)?.resources, 'CPU 12% · RSS 340 MB (peak 410 MB) ▁▃▅');
    const md = renderMarkdown(view, loadProgressTemplate());
    assert.match(md, /1\.2k tokens · \$0\.0123/);
    assert.match(md, /\| Resources \|/);
    assert.match(md, /RSS 340 MB \(peak 410 MB\)/);
    const json = StatusJson.parse(statusJson(state, daemon, NOW));
    assert.deepEqual(json.usage, { inputTokens: 1000, outputTokens: 234, costUsd: 0.0123 });
  });
});

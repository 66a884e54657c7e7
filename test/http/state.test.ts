// The dashboard state and task detail as pure functions of a fixture run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { taskDetail } from '../../src/http/detail.js';
import { publicEntry } from '../../src/http/entries.js';
import { dashboardState, type LiveFacts } from '../../src/http/state.js';
import { statusJson } from '../../src/progress/status-json.js';
import type { JournalEntry } from '../../src/store/schema.js';
import type { WatchdogSnapshot } from '../../src/watchdog/view.js';
import { DAEMON, fixtureState, NOW } from '../progress/fixture.js';

const noLive: LiveFacts = { usage: new Map(), runner: new Map(), lastEvents: new Map(), streams: 0 };
const entry = (seq: number, task: string, msg: string): JournalEntry => ({ seq, ts: '2025-03-01T14:00:00.000Z', cycle: 42, kind: 'decision', task, msg, data: { secret: 'replay payload' } });

const watchdog: WatchdogSnapshot = {
  system: { totalBytes: 8e9, availableBytes: 4e9, cpus: 2 },
  gpu: { status: 'off', reason: 'no GPU limit set' },
  workers: [
    {
      taskId: 'pages',
      processes: 3,
      cpuPercent: 12,
      rssBytes: 3e8,
      memPercent: 3.75,
      gpuMemBytes: null,
      gpuUtilPercent: null,
      peaks: { memBytes: 4e8, cpuPercent: 50 },
      sparklines: { cpu: '▁▂', rss: '▃▅', gpuMem: '' },
      history: { cpuPercent: [null, 12], rssBytes: [2e8, 3e8], gpuMemBytes: [null, null], gpuUtilPercent: [null, null] },
      strikes: 1,
      strikesBy: { memBytes: 1 },
      strikesNeeded: 3,
      killed: null,
    },
  ],
  polls: 10,
  skipped: 0,
  lastPollMs: 2,
  notices: [],
};

test('dashboardState carries every statusJson field unchanged', () => {
  const state = fixtureState();
  const d = dashboardState({ state, daemon: DAEMON, watchdog: null, caps: { usd: 0, tokens: 0 }, seq: 311 }, noLive, NOW);
  const s = statusJson(state, DAEMON, NOW);
  for (const k of Object.keys(s) as Array<keyof typeof s>) {
    if (k === 'daemon') assert.deepEqual({ ...d.daemon, startedAt: undefined }, { ...s.daemon, startedAt: undefined });
    else assert.deepEqual(d[k], s[k], k);
  }
  assert.equal(d.daemon.startedAt, DAEMON.startedAt);
  assert.equal(d.api, 1);
  assert.equal(d.seq, 311);
});

test('active tasks: running (with live usage and last event), retrying, blocked; workers, spend against caps', () => {
  const state = fixtureState();
  const live: LiveFacts = {
    usage: new Map([['pages#2', { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.25 }]]),
    runner: new Map([['pages', { lastOutputAt: '2025-03-01T14:03:10.000Z', lastEventAt: null }]]),
    lastEvents: new Map([['pages', entry(300, 'pages', 'start attempt 2')]]),
    streams: 2,
  };
  const d = dashboardState({ state, daemon: DAEMON, watchdog, caps: { usd: 10, tokens: 0 }, seq: 311 }, live, NOW);
  assert.deepEqual(d.active.running.map((t) => t.id), ['pages', 'assets']);
  const pages = d.active.running[0]!;
  assert.equal(pages.attempt, 2);
  assert.equal(pages.elapsedMs, 200_000);
  assert.deepEqual(pages.lastEvent, { seq: 300, ts: '2025-03-01T14:00:00.000Z', kind: 'decision', msg: 'start attempt 2' });
  assert.equal(pages.lastOutputAt, '2025-03-01T14:03:10.000Z');
  assert.deepEqual(pages.usage, { inputTokens: 1000, outputTokens: 200, costUsd: 0.25 });
  assert.equal(d.active.running[1]!.startedAt, null, 'verifying: the worker has ended');
  assert.deepEqual(d.active.retrying.map((t) => t.id), ['feed']);
  assert.deepEqual(d.active.blocked.map((t) => t.id), ['announce']);
  assert.equal(d.workers.length, 1);
  assert.deepEqual(d.workers[0]!.peaks, { cpuPercent: 50, rssBytes: 4e8, gpuMemBytes: null });
  assert.deepEqual(d.workers[0]!.history.rssBytes, [2e8, 3e8]);
  assert.deepEqual(d.spend, { costUsd: 0.25, tokens: 1200, capUsd: 10, capTokens: null });
  assert.deepEqual(d.system, watchdog.system);
  assert.deepEqual(d.gpu, { status: 'off', reason: 'no GPU limit set', count: 0 });
  assert.equal(d.totals.tasks, 7, 'archived tasks are not counted');
  assert.equal(d.streams, 2);
});

test('the same run serialises to the same text: an idle run sends nothing to open streams', () => {
  const snap = { state: fixtureState(), daemon: DAEMON, watchdog, caps: { usd: 0, tokens: 0 }, seq: 5 };
  const doneState = { ...snap.state, tasks: Object.fromEntries(Object.entries(snap.state.tasks).map(([k, t]) => [k, { ...t, status: 'done' as const, attempts: t.attempts.map((a) => ({ ...a, endedAt: a.endedAt ?? '2025-03-01T14:00:00.000Z' })) }])) };
  const a = JSON.stringify(dashboardState({ ...snap, state: doneState }, noLive, NOW));
  const b = JSON.stringify(dashboardState({ ...snap, state: doneState }, noLive, new Date(NOW.getTime() + 60_000)));
  assert.equal(a, b);
});

test('taskDetail: settings, attempts without markers, journal without data, null for an unknown task', () => {
  const state = fixtureState();
  const d = taskDetail(state, 'pages', { journal: [entry(300, 'pages', 'start')], log: null, live: null })!;
  assert.equal(d.task.parent, 'site');
  assert.equal(d.attempts.length, 2);
  assert.equal(d.attempts[1]!.pid, 4242);
  assert.equal(d.attempts[1]!.command, 'npm run build:pages');
  for (const a of d.attempts) assert.equal('marker' in a, false);
  assert.deepEqual(d.journal, [publicEntry(entry(300, 'pages', 'start'))]);
  assert.equal('data' in d.journal[0]!, false);
  assert.equal(taskDetail(state, 'nope', { journal: [], log: null, live: null }), null);
});

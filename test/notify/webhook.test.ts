// The webhook transport against real HTTP servers on 127.0.0.1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ATTENTION_KINDS, Notifier, messageFor } from '../../src/notify/index.js';
import { SAMPLES, closedPortUrl, config, makeLog, receiver, timed } from './helpers.js';

// notify() only queues; 50 ms is far above that and far below any network round trip or timeout.
const NON_BLOCKING_MS = 50;

test('webhook: the receiver gets exactly the configured events, as JSON with the right text', async (t) => {
  const r = await receiver();
  t.after(() => r.close());
  const log = makeLog();
  const n = new Notifier(config({ webhookUrl: r.url, events: ['task_failed', 'goal_done'] }), { log: log.log });
  for (const k of ATTENTION_KINDS) n.notify(SAMPLES[k]);
  await n.close();
  assert.deepEqual(log.lines, []);
  assert.deepEqual(
    r.got.map((g) => g.body.event),
    ['goal_done', 'task_failed'],
    'in the order notified, nothing else',
  );
  for (const g of r.got) {
    assert.equal(g.method, 'POST');
    assert.equal(g.contentType, 'application/json');
  }
  assert.deepEqual(r.got[1]?.body, {
    event: 'task_failed',
    project: 'demo',
    at: SAMPLES.task_failed.at,
    text: messageFor(SAMPLES.task_failed),
    taskId: 't2',
    title: 'Train model',
    reason: 'out of attempts (3)',
  });
  assert.equal(r.got[0]?.body.costUsd, 1.5);
});

test('webhook: an unreachable URL does not slow notify() and the failure is logged', async () => {
  const url = await closedPortUrl();
  const log = makeLog();
  const n = new Notifier(config({ webhookUrl: url }), { log: log.log });
  const ms = timed(() => n.notify(SAMPLES.task_failed));
  assert.ok(ms < NON_BLOCKING_MS, `notify took ${ms} ms`);
  const line = await log.waitFor(/^notify webhook: task_failed not delivered: /);
  assert.match(line, /ECONNREFUSED/);
  assert.ok(!line.includes('/hook'), 'the URL (a credential) stays out of the log');
  await n.close();
});

test('webhook: a receiver that never answers does not slow notify(); the timeout ends it and is logged', async (t) => {
  const r = await receiver('hold');
  t.after(() => r.close());
  const log = makeLog();
  const n = new Notifier(config({ webhookUrl: r.url }), { log: log.log, timeouts: { webhookMs: 300 } });
  const ms = timed(() => {
    n.notify(SAMPLES.task_failed);
    n.notify(SAMPLES.task_blocked);
  });
  assert.ok(ms < NON_BLOCKING_MS, `notify took ${ms} ms`);
  await log.waitFor(/^notify webhook: task_failed not delivered: no answer within 0.3 s/);
  // The queue moves on to the next one after the timeout.
  await log.waitFor(/^notify webhook: task_blocked not delivered: no answer within 0.3 s/);
  assert.equal(r.got.length, 2);
  await n.close();
});

test('webhook: a refusal is logged with the status and the body', async (t) => {
  const r = await receiver(400);
  t.after(() => r.close());
  const log = makeLog();
  const n = new Notifier(config({ webhookUrl: r.url }), { log: log.log });
  n.notify(SAMPLES.safe_mode);
  await n.close();
  assert.equal(log.lines.length, 1);
  assert.match(log.lines[0] ?? '', /^notify webhook: safe_mode not delivered: HTTP 400: invalid_payload \(after \d+\.\d s\)$/);
});

test('webhook: past 20 waiting, the oldest waiting is dropped with a notice', async (t) => {
  const r = await receiver('hold');
  t.after(() => r.close());
  const log = makeLog();
  const n = new Notifier(config({ webhookUrl: r.url }), { log: log.log, timeouts: { webhookMs: 200, closeMs: 100 } });
  for (let i = 0; i < 23; i++) n.notify({ ...SAMPLES.safe_mode, at: `2025-01-01T00:00:${String(i).padStart(2, '0')}.000Z` });
  // All 23 are queued before the first starts (delivery begins on a later turn): 20 wait, 3 are dropped.
  const drops = log.lines.filter((l) => l.includes('dropped the oldest'));
  assert.equal(drops.length, 3, log.lines.join('\n'));
  assert.match(drops[0] ?? '', /more than 20 notifications waiting; dropped the oldest \(safe_mode at 2025-01-01T00:00:00.000Z\)/);
  await n.close();
});

test('close(): gives up on a receiver that never answers after closeMs, and says so', async (t) => {
  const r = await receiver('hold');
  t.after(() => r.close());
  const log = makeLog();
  const n = new Notifier(config({ webhookUrl: r.url }), { log: log.log, timeouts: { closeMs: 200 } });
  n.notify(SAMPLES.goal_done);
  n.notify(SAMPLES.task_failed);
  const t0 = Date.now();
  await n.close();
  const took = Date.now() - t0;
  assert.ok(took >= 150 && took < 2000, `close took ${took} ms`);
  assert.ok(log.lines.some((l) => /^notify: 2 notification\(s\) unfinished after 0.2 s at shutdown; giving up on them \(1 never started\)$/.test(l)), log.lines.join('\n'));
  assert.ok(log.lines.some((l) => /^notify webhook: goal_done not delivered: aborted at shutdown/.test(l)), log.lines.join('\n'));
  n.notify(SAMPLES.safe_mode);
  assert.match(log.lines.at(-1) ?? '', /^notify: safe_mode not sent: notifications are closed$/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ATTENTION_KINDS, MESSAGE_MAX, eventPayload, messageFor, parseKinds, slackEscape, webhookPayload, type AttentionEvent } from '../../src/notify/index.js';
import { SAMPLES } from './helpers.js';

test('messageFor: one readable line per kind, project first', () => {
  const cases: Array<[AttentionEvent, string]> = [
    [SAMPLES.goal_done, '[demo] goal done: Ship the report (3 tasks in 1h 02m, $1.50)'],
    [{ ...SAMPLES.goal_done, tasks: 1, costUsd: null, durationMs: 45_000 }, '[demo] goal done: Ship the report (1 task in 45s)'],
    [SAMPLES.task_failed, '[demo] task t2 "Train model" failed: out of attempts (3)'],
    [SAMPLES.task_blocked, '[demo] task t3 "Write docs" is blocked: dependency t2 failed'],
    [{ ...SAMPLES.task_blocked, title: 't3' }, '[demo] task t3 is blocked: dependency t2 failed'],
    [SAMPLES.budget_reached, '[demo] run budget reached, starting nothing new: run cost $10.02 reached the $10 budget'],
    [SAMPLES.watchdog_kill, '[demo] watchdog stopped task t4 "Big job": memory 95% > 90% for 3 polls'],
    [SAMPLES.safe_mode, '[demo] aura is in safe mode: state could not be recovered'],
  ];
  for (const [e, want] of cases) assert.equal(messageFor(e), want, e.kind);
});

test('messageFor: multi-line, control-laden and huge facts still give one line of at most 300 chars', () => {
  const cases: AttentionEvent[] = [
    { ...SAMPLES.task_failed, reason: 'line one\nline two\r\n\tline three \x1b[31mred\x1b[0m' },
    { ...SAMPLES.task_failed, reason: 'x'.repeat(5000) },
    { ...SAMPLES.task_failed, title: 'T'.repeat(1000), reason: 'the reason' },
    { ...SAMPLES.goal_done, goal: 'g\n'.repeat(1000), project: 'p'.repeat(500) },
    { ...SAMPLES.safe_mode, reason: '😀'.repeat(400) },
  ];
  for (const e of cases) {
    const m = messageFor(e);
    assert.ok(Array.from(m).length <= MESSAGE_MAX, `${e.kind}: ${Array.from(m).length} chars`);
    assert.doesNotMatch(m, /[\r\n\t\x1b]/);
    assert.ok(!/[\uD800-\uDBFF]$/.test(m), 'no split surrogate pair at the cut');
  }
  // A long title is clipped so the reason (what to do) still shows.
  assert.match(messageFor(cases[2]!), /failed: the reason$/);
});

test('eventPayload and webhookPayload: {event, project, at, text, ...facts}; the webhook text is Slack-escaped', () => {
  const e: AttentionEvent = { ...SAMPLES.task_failed, reason: 'a <!channel> & b' };
  assert.deepEqual(eventPayload(e), {
    event: 'task_failed',
    project: 'demo',
    at: '2025-01-02T03:04:05.000Z',
    text: '[demo] task t2 "Train model" failed: a <!channel> & b',
    taskId: 't2',
    title: 'Train model',
    reason: 'a <!channel> & b',
  });
  const w = webhookPayload(e);
  assert.equal(w.text, '[demo] task t2 "Train model" failed: a &lt;!channel&gt; &amp; b');
  assert.equal(w.reason, 'a <!channel> & b', 'facts are data, not Slack text: left as they are');
  assert.equal('kind' in w, false);
  assert.equal(slackEscape('<&>'), '&lt;&amp;&gt;');
});

test('parseKinds: known kinds deduplicated in order, unknown words reported', () => {
  const cases: Array<[string, string[], string[]]> = [
    [ATTENTION_KINDS.join(','), [...ATTENTION_KINDS], []],
    ['task_failed, goal_done,task_failed', ['task_failed', 'goal_done'], []],
    ['Task_Failed,oops,,', ['task_failed'], ['oops']],
    ['', [], []],
  ];
  for (const [input, kinds, unknown] of cases) assert.deepEqual(parseKinds(input), { kinds, unknown }, input);
});

// Parser behaviour shared by all backends: bad lines, memory bounds, usage accounting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backends } from '../../src/workers/agents/index.js';
import { LIMITS } from '../../src/workers/agents/stream.js';
import { retryAfterIso, retryDelayMsFromText, statusFromText } from '../../src/workers/agents/outcome.js';
import { feed } from './helpers.js';

const names = ['claude', 'codex', 'opencode', 'gemini'] as const;

for (const name of names) {
  test(`stream ${name}: lines that are not protocol become raw, never throw`, () => {
    const bad = ['not json', '{"broken', '[1,2]', '42', '{"no_type":1}', 'null', '\u0000\u0001'];
    const r = feed(backends[name], [...bad, '', '   ']);
    assert.deepEqual(r.events.map((e) => e.type), bad.map(() => 'raw'));
    assert.equal(r.summary.result, null);
  });

  test(`stream ${name}: unknown types and odd shapes are ignored, not fatal`, () => {
    const odd = [
      { type: 'something_new', x: 1 },
      { type: 'system', subtype: 'unheard_of' },
      { type: 'assistant', message: 'not an object' },
      { type: 'user', message: { content: 'plain string' } },
      { type: 'item.completed', item: null },
      { type: 'tool_use', part: { state: 7 } },
      { type: 'result', stats: 'x', usage: [], modelUsage: 5 },
      { type: 'message', role: 'assistant', content: 12 },
    ];
    assert.doesNotThrow(() => feed(backends[name], odd.map((o) => JSON.stringify(o))));
  });
}

test('stream: errors keep the last 5, one line each, bounded', () => {
  const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ type: 'error', message: `boom ${i}\nsecond line ${'x'.repeat(5000)}` }));
  const { summary } = feed(backends.codex, lines);
  assert.equal(summary.errors.length, LIMITS.errors);
  assert.match(summary.errors[0] ?? '', /^boom 15 second line x+/);
  assert.match(summary.errors.at(-1) ?? '', /^boom 19 /);
  assert.ok(summary.errors.every((e) => e.length <= LIMITS.message && !e.includes('\n')));
});

test('stream: lastText is bounded and keeps the end', () => {
  const long = `start ${'y'.repeat(10_000)} the end`;
  const { summary } = feed(backends.codex, [JSON.stringify({ type: 'item.completed', item: { id: 'i', type: 'agent_message', text: long } })]);
  assert.ok((summary.lastText ?? '').length <= LIMITS.lastText);
  assert.ok(summary.lastText?.endsWith('the end'));
});

test('stream: gemini text deltas join into one lastText; a tool call starts a new one', () => {
  const msg = (t: string) => JSON.stringify({ type: 'message', role: 'assistant', content: t, delta: true });
  const tool = JSON.stringify({ type: 'tool_use', tool_name: 'x', tool_id: 't1', parameters: {} });
  assert.equal(feed(backends.gemini, [msg('Hel'), msg('lo')]).summary.lastText, 'Hello');
  assert.equal(feed(backends.gemini, [msg('before'), tool, msg('after')]).summary.lastText, 'after');
});

test('stream: big tool inputs and outputs are cut in events, short fields kept', () => {
  const big = 'z'.repeat(50_000);
  const { events } = feed(backends.claude, [
    JSON.stringify({ type: 'assistant', message: { content: [{ type: 'tool_use', id: 't', name: 'Write', input: { file_path: '/a/b', content: big } }] } }),
    JSON.stringify({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: big }] }] } }),
  ]);
  const call = events[0];
  const res = events[1];
  assert.ok(call?.type === 'tool_call' && res?.type === 'tool_result');
  const inp = call.input as { file_path: string; content: string };
  assert.equal(inp.file_path, '/a/b');
  assert.ok(inp.content.length <= LIMITS.inputString);
  assert.ok((res.output ?? '').length <= LIMITS.output);
});

test('stream: claude usage comes from results only (assistant-line usage is not final)', () => {
  const assistant = { type: 'assistant', message: { content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 999, output_tokens: 999 } } };
  const r1 = { type: 'result', subtype: 'success', is_error: false, total_cost_usd: 0.01, modelUsage: { a: { inputTokens: 100, outputTokens: 10, cacheReadInputTokens: 5, cacheCreationInputTokens: 7, costUSD: 0.01 } } };
  // A second result in the same session (stream-json input): modelUsage and total_cost_usd are totals.
  const r2 = { ...r1, total_cost_usd: 0.03, modelUsage: { a: { inputTokens: 150, outputTokens: 20, cacheReadInputTokens: 5, cacheCreationInputTokens: 7, costUSD: 0.02 }, b: { inputTokens: 50, outputTokens: 5, costUSD: 0.01 } } };
  const { events, summary } = feed(backends.claude, [assistant, r1, assistant, r2].map((o) => JSON.stringify(o)));
  const usages = events.filter((e) => e.type === 'usage').map((e) => (e.type === 'usage' ? e.usage : null));
  assert.deepEqual(usages[0], { inputTokens: 100, outputTokens: 10, cacheReadTokens: 5, cacheWriteTokens: 7, costUsd: 0.01 });
  assert.equal(usages[1]?.inputTokens, 100);
  assert.equal(usages[1]?.outputTokens, 15);
  assert.ok(Math.abs((usages[1]?.costUsd ?? 0) - 0.02) < 1e-12);
  assert.equal(summary.usage.inputTokens, 200);
  assert.equal(summary.usage.outputTokens, 25);
  assert.ok(Math.abs((summary.usage.costUsd ?? 0) - 0.03) < 1e-12);
});

test('stream: claude model_usage_since_last_result is an increment, used as is', () => {
  const r = (since: unknown, total: number) => JSON.stringify({ type: 'result', subtype: 'success', is_error: false, total_cost_usd: total, model_usage_since_last_result: since, modelUsage: { a: { inputTokens: 1e6 } } });
  const { summary } = feed(backends.claude, [r({ a: { inputTokens: 10, outputTokens: 1, costUSD: 0.1 } }, 0.1), r({ a: { inputTokens: 20, outputTokens: 2, costUSD: 0.2 } }, 0.3)]);
  assert.equal(summary.usage.inputTokens, 30);
  assert.equal(summary.usage.outputTokens, 3);
  assert.ok(Math.abs((summary.usage.costUsd ?? 0) - 0.3) < 1e-12);
});

test('stream: codex file_change and mcp calls are tool calls with results', () => {
  const { events } = feed(backends.codex, [
    JSON.stringify({ type: 'item.completed', item: { id: 'f1', type: 'file_change', changes: [{ path: 'a.txt', kind: 'add' }], status: 'completed' } }),
    JSON.stringify({ type: 'item.started', item: { id: 'm1', type: 'mcp_tool_call', server: 'fs', tool: 'read', arguments: { p: 1 }, status: 'in_progress' } }),
    JSON.stringify({ type: 'item.updated', item: { id: 'm1', type: 'mcp_tool_call', server: 'fs', tool: 'read', arguments: { p: 1 }, status: 'in_progress' } }),
    JSON.stringify({ type: 'item.completed', item: { id: 'm1', type: 'mcp_tool_call', server: 'fs', tool: 'read', arguments: { p: 1 }, error: { message: 'denied' }, status: 'failed' } }),
    JSON.stringify({ type: 'item.completed', item: { id: 'c1', type: 'command_execution', command: 'false', aggregated_output: '', exit_code: 1, status: 'failed' } }),
  ]);
  assert.deepEqual(events, [
    { type: 'tool_call', name: 'file_change', id: 'f1', input: { changes: [{ path: 'a.txt', kind: 'add' }] } },
    { type: 'tool_result', ok: true, id: 'f1' },
    { type: 'tool_call', name: 'fs.read', id: 'm1', input: { p: 1 } },
    { type: 'tool_result', ok: false, id: 'm1', output: 'denied' },
    { type: 'tool_call', name: 'command_execution', id: 'c1', input: { command: 'false' } },
    { type: 'tool_result', ok: false, id: 'c1', output: '' },
  ]);
});

test('stream: opencode tool errors and reasoning tokens', () => {
  const { events, summary } = feed(backends.opencode, [
    JSON.stringify({ type: 'step_start', sessionID: 's', part: {} }),
    JSON.stringify({ type: 'tool_use', part: { tool: 'bash', callID: 'c', state: { status: 'error', input: { command: 'x' }, error: 'not found' } } }),
    JSON.stringify({ type: 'step_start', sessionID: 's', part: {} }),
    JSON.stringify({ type: 'step_finish', part: { tokens: { input: 5, output: 2, reasoning: 3, cache: { read: 1, write: 4 } }, cost: 0.5 } }),
  ]);
  assert.deepEqual(events.map((e) => e.type), ['started', 'tool_call', 'tool_result', 'usage']);
  assert.deepEqual(events[2], { type: 'tool_result', ok: false, id: 'c', output: 'not found' });
  assert.deepEqual(summary.usage, { inputTokens: 5, outputTokens: 5, cacheReadTokens: 1, cacheWriteTokens: 4, costUsd: 0.5 });
  assert.equal(summary.turns, 2);
});

const statuses: [string, number | undefined][] = [
  ['unexpected status 401 Unauthorized: Incorrect API key', 401],
  ['Reconnecting... 2/5 (unexpected status 200 OK: ...)', undefined],
  ['status 200 then status 503', 503],
  ['[API Error: 429 Too Many Requests]', 429],
  ['{"error":{"code":403,"message":"denied"}}', 403],
  ['"statusCode":500', 500],
  ['took 401 ms', undefined],
  ['nothing here', undefined],
];
for (const [text, want] of statuses) {
  test(`statusFromText ${JSON.stringify(text)} → ${want}`, () => assert.equal(statusFromText(text), want));
}

const afters: [unknown, string | undefined][] = [
  ['30', '2027-01-15T08:00:30.000Z'],
  [2.5, '2027-01-15T08:00:02.500Z'],
  ['Fri, 15 Jan 2027 09:00:00 GMT', '2027-01-15T09:00:00.000Z'],
  ['soon', undefined],
  [undefined, undefined],
  [-1, undefined],
];
for (const [v, want] of afters) {
  test(`retryAfterIso ${JSON.stringify(v)} → ${want}`, () => assert.equal(retryAfterIso(v, 1_800_000_000_000), want));
}

const waits: [string, number | undefined][] = [
  ['Rate limit reached … Please try again in 1.5s. Visit https://platform.openai.com', 1500],
  ['Please try again in 7m12s.', 432_000],
  ['Please try again in 20ms.', 20],
  ['Please retry in 3s.\nSuggested retry after 3s.]', 3000],
  ['Please retry in 2.1s. Suggested retry after 60s.', 60_000],
  ['try again in 1h.', 3_600_000],
  ['retry in 2 seconds', undefined],
  ['try again later', undefined],
];
for (const [text, want] of waits) {
  test(`retryDelayMsFromText ${JSON.stringify(text)} → ${want}`, () => assert.equal(retryDelayMsFromText(text), want));
}

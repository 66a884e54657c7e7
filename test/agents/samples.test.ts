// Every recorded CLI run (verbatim output from the interface research) through its backend:
// the events it yields and how the attempt is classified.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backends } from '../../src/workers/agents/index.js';
import type { OutcomeKind, Usage } from '../../src/workers/agents/types.js';
import { feed, sampleLines, types } from './helpers.js';

interface Case {
  file: string;
  backend: keyof typeof backends;
  exit: number;
  events: string[];
  kind: OutcomeKind;
  message?: RegExp;
  usage?: Partial<Usage>;
  check?: (r: ReturnType<typeof feed>) => void;
}

const cases: Case[] = [
  {
    file: 'claude-sample-out.jsonl',
    backend: 'claude',
    exit: 0,
    events: ['started', 'tool_call:Write', 'tool_result', 'text', 'usage', 'result'],
    kind: 'success',
    usage: { inputTokens: 20, outputTokens: 10, costUsd: 0.00028000000000000003 },
    check: ({ events, summary }) => {
      const call = events.find((e) => e.type === 'tool_call');
      assert.deepEqual(call, { type: 'tool_call', name: 'Write', id: 'toolu_1', input: { file_path: '/home/dev/result.md', content: '# done\n' } });
      assert.equal(summary.lastText, 'OK from fake');
      assert.equal(summary.sessionId, '201669e0-8733-4131-b4f8-5b7248263f2a');
      assert.equal(summary.model, 'claude-opus-5-5');
      assert.equal(summary.turns, 2);
      assert.equal(summary.toolCalls, 1);
    },
  },
  {
    file: 'claude-auth.jsonl',
    backend: 'claude',
    exit: 1,
    events: ['started', 'retry', 'error', 'usage', 'result'],
    kind: 'api_error',
    message: /401.*Invalid API key/,
    usage: { inputTokens: 0, costUsd: 0 },
    check: ({ events, summary }) => {
      // subtype "success" with is_error: the flag wins, and the subtype says why.
      const r = events.find((e) => e.type === 'result');
      assert.deepEqual(r, {
        type: 'result',
        ok: false,
        subtype: 'success:api_error',
        message: 'Invalid API key · Fix external API key',
        numTurns: 1,
        apiErrorStatus: 401,
      });
      assert.deepEqual(events[1], { type: 'retry', message: 'authentication_failed (401), attempt 1 of 1', attempt: 1, status: 401, delayMs: 608 });
      assert.equal(summary.lastStatus, 401);
      assert.equal(summary.lastText, undefined, 'the synthetic error message is not the model speaking');
    },
  },
  {
    file: 'claude-maxturns.jsonl',
    backend: 'claude',
    exit: 1,
    events: ['started', 'tool_call:Bash', 'tool_result', 'usage', 'result'],
    kind: 'max_turns',
    message: /Reached maximum number of turns \(1\)/,
    usage: { inputTokens: 10, outputTokens: 5 },
  },
  {
    file: 'claude-budget.jsonl',
    backend: 'claude',
    exit: 1,
    events: ['started', 'tool_call:Bash', 'usage', 'result'],
    kind: 'budget_exhausted',
    message: /maximum budget/,
    // result.usage is all zeros here; modelUsage has the real numbers.
    usage: { inputTokens: 10, outputTokens: 5, costUsd: 0.00014000000000000001 },
  },
  {
    file: 'claude-partial.jsonl',
    backend: 'claude',
    exit: 0,
    // stream_event lines (partial messages) are skipped without a trace.
    events: ['started', 'text', 'usage', 'result'],
    kind: 'success',
    usage: { inputTokens: 10, outputTokens: 5 },
  },
  {
    file: 'claude-deny3.jsonl',
    backend: 'claude',
    exit: 0,
    events: ['started', 'tool_call:Bash', 'error', 'tool_result', 'text', 'usage', 'result'],
    kind: 'success',
    check: ({ events, summary }) => {
      assert.deepEqual(events.filter((e) => e.type === 'tool_result').map((e) => e.type === 'tool_result' && e.ok), [false]);
      assert.match(summary.errors[0] ?? '', /^permission denied: Bash/);
    },
  },
  {
    file: 'claude-settings.jsonl',
    backend: 'claude',
    exit: 0,
    events: ['started', 'tool_call:Bash', 'error', 'tool_result', 'text', 'usage', 'result'],
    kind: 'success',
  },
  {
    file: 'claude-tree.jsonl',
    backend: 'claude',
    exit: 143, // SIGTERM from outside aura: claude exits 143 without a result line
    events: ['started', 'tool_call:Bash'],
    kind: 'crashed',
    message: /exit code 143\) without a final result/,
  },
  {
    file: 'codex-msg.jsonl',
    backend: 'codex',
    exit: 0,
    events: ['started', 'error', 'error', 'error', 'error', 'error', 'error', 'text', 'usage', 'result'],
    kind: 'success',
    usage: { inputTokens: 60, cacheReadTokens: 40, outputTokens: 7, costUsd: null },
    check: ({ events, summary }) => {
      const kinds = events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.kind);
      assert.deepEqual(kinds, ['notice', 'reconnect', 'reconnect', 'reconnect', 'reconnect', 'notice']);
      // "unexpected status 200 OK" on the WebSocket is not an error status.
      assert.equal(summary.lastStatus, undefined);
      assert.equal(summary.errors.length, 4, 'notices are not kept as errors');
      assert.ok(summary.errors.every((e) => e.length <= 300));
    },
  },
  {
    file: 'codex-cmd.jsonl',
    backend: 'codex',
    exit: 0,
    events: ['started', 'error', 'error', 'error', 'error', 'error', 'error', 'tool_call:command_execution', 'tool_result', 'text', 'usage', 'result'],
    kind: 'success',
    usage: { inputTokens: 120, cacheReadTokens: 80, outputTokens: 14 },
    check: ({ events }) => {
      assert.deepEqual(events.find((e) => e.type === 'tool_call'), {
        type: 'tool_call',
        name: 'command_execution',
        id: 'item_2',
        input: { command: "/bin/bash -lc 'echo hello-from-codex'" },
      });
      assert.deepEqual(events.find((e) => e.type === 'tool_result'), { type: 'tool_result', ok: true, id: 'item_2', output: 'hello-from-codex\n' });
    },
  },
  {
    file: 'codex-fail.jsonl',
    backend: 'codex',
    exit: 1,
    events: ['started', ...Array<string>(12).fill('error'), 'result'],
    kind: 'api_error',
    message: /API error 401/,
    check: ({ summary }) => {
      assert.equal(summary.result?.apiErrorStatus, 401);
      assert.equal(summary.errors.length, 5);
    },
  },
  {
    file: 'opencode-cmd.jsonl',
    backend: 'opencode',
    exit: 0,
    events: ['started', 'tool_call:bash', 'tool_result', 'usage', 'text', 'usage'],
    kind: 'success',
    usage: { inputTokens: 20, outputTokens: 10, costUsd: 0.00021 },
    check: ({ summary }) => {
      assert.equal(summary.result, null, 'opencode has no result line');
      assert.equal(summary.turns, 2);
      assert.equal(summary.sessionId, 'ses_e032f7b28ffevgrtAYlA3erufn');
    },
  },
  {
    file: 'opencode-fail.jsonl',
    backend: 'opencode',
    exit: 1,
    events: ['error'],
    kind: 'api_error',
    message: /401: invalid x-api-key/,
    check: ({ events }) => assert.deepEqual(events[0], { type: 'error', message: 'invalid x-api-key', status: 401, kind: 'APIError' }),
  },
  {
    file: 'gemini-stream-json.jsonl',
    backend: 'gemini',
    exit: 0,
    events: ['started', 'text', 'usage', 'result'],
    kind: 'success',
    usage: { inputTokens: 10, outputTokens: 5, costUsd: null },
  },
  {
    file: 'gemini-stream-json-tool.jsonl',
    backend: 'gemini',
    exit: 0,
    events: ['started', 'tool_call:run_shell_command', 'tool_result', 'text', 'usage', 'result'],
    kind: 'success',
    usage: { inputTokens: 20, outputTokens: 10 },
    check: ({ events, summary }) => {
      assert.deepEqual(events[2], { type: 'tool_result', ok: true, id: 'run_shell_command__run_shell_command_1795242928885_0', output: 'hello-from-gemini' });
      assert.equal(summary.model, 'gemini-2.5-flash');
    },
  },
];

for (const c of cases) {
  test(`sample ${c.file} → ${c.kind}`, () => {
    const r = feed(backends[c.backend], sampleLines(c.file));
    assert.deepEqual(types(r.events), c.events);
    assert.equal(r.summary.events, r.events.length);
    const outcome = backends[c.backend].classify(r.summary, { code: c.exit, signal: null }, null);
    assert.equal(outcome.kind, c.kind, outcome.message);
    if (c.message) assert.match(outcome.message, c.message);
    for (const [k, v] of Object.entries(c.usage ?? {})) assert.equal(r.summary.usage[k as keyof Usage], v, `usage.${k}`);
    c.check?.(r);
  });
}

test('sample: gemini -o json (one pretty object) is not stream-json: kept as raw lines, never a success', () => {
  const r = feed(backends.gemini, sampleLines('gemini-json.json'));
  assert.ok(r.events.every((e) => e.type === 'raw'));
  assert.equal(backends.gemini.classify(r.summary, { code: 0, signal: null }, null).kind, 'crashed');
});

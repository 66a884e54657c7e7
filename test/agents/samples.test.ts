// Every recorded CLI run through its backend: the events it yields and how the attempt is
// classified. Verbatim output from the interface research, and (codex-patch/auth/429/…,
// gemini-write/auth/429/maxturns) from the pinned binaries against the scripted server, refreshed
// with test/agents/capture-samples.ts.
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
    file: 'codex-patch.jsonl',
    backend: 'codex',
    exit: 0,
    events: ['started', 'tool_call:file_change', 'tool_result', 'text', 'usage', 'result'],
    kind: 'success',
    usage: { inputTokens: 20, outputTokens: 10, cacheReadTokens: 0, costUsd: null },
    check: ({ events }) => {
      const call = events.find((e) => e.type === 'tool_call');
      assert.match(JSON.stringify(call), /"changes":\[\{"path":"[^"]+\/out\.txt","kind":"add"\}\]/);
      assert.deepEqual(events.find((e) => e.type === 'tool_result'), { type: 'tool_result', ok: true, id: 'item_0' });
    },
  },
  {
    file: 'codex-auth.jsonl',
    backend: 'codex',
    exit: 1,
    events: ['started', 'error', 'error', 'error', 'error', 'error', 'error', 'result'],
    kind: 'api_error',
    message: /API error 401: unexpected status 401 Unauthorized: Incorrect API key provided.*check OPENAI_API_KEY/,
    check: ({ summary }) => assert.equal(summary.lastStatus, 401),
  },
  {
    file: 'codex-429.jsonl',
    backend: 'codex',
    exit: 1,
    events: ['started', 'error', 'result'],
    kind: 'rate_limited',
    message: /exceeded retry limit, last status: 429/,
    check: ({ summary }) => assert.equal(summary.rateLimitedUntil, undefined, 'codex dropped the Retry-After'),
  },
  {
    file: 'codex-ratelimit-stream.jsonl',
    backend: 'codex',
    exit: 1,
    events: ['started', 'error', 'result'],
    kind: 'rate_limited',
    message: /Please try again in 20s/,
    // No time on codex's lines: 20 s from when aura read it (classify.test.ts pins the clock).
    check: ({ summary }) => assert.ok(summary.rateLimitedUntil),
  },
  { file: 'codex-quota.jsonl', backend: 'codex', exit: 1, events: ['started', 'error', 'result'], kind: 'api_error', message: /quota is used up/ },
  { file: 'codex-unreachable.jsonl', backend: 'codex', exit: 1, events: ['started', 'error', 'result'], kind: 'failed', message: /Connection failed/ },
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
  {
    file: 'gemini-write.jsonl',
    backend: 'gemini',
    exit: 0,
    events: ['started', 'tool_call:write_file', 'tool_result', 'text', 'text', 'usage', 'result'],
    kind: 'success',
    usage: { inputTokens: 20, outputTokens: 10, costUsd: null },
    check: ({ events, summary }) => {
      assert.match(JSON.stringify(events[1]), /"file_path":"[^"]+\/out\.txt","content":"made by the model\\n"/);
      assert.equal(summary.lastText, 'done!', 'the two deltas are one message');
    },
  },
  {
    file: 'gemini-auth.jsonl',
    backend: 'gemini',
    exit: 144, // 400 cut to a byte
    events: ['started', 'usage', 'result'],
    kind: 'api_error',
    message: /API error 400: .*API key not valid.*the API key was refused, check GEMINI_API_KEY/,
  },
  {
    file: 'gemini-429.jsonl',
    backend: 'gemini',
    exit: 173, // 429 cut to a byte; the message has no number
    events: ['started', 'usage', 'result'],
    kind: 'rate_limited',
    message: /Suggested retry after 20s/,
    check: ({ summary }) => {
      const stamp = /"type":"result","timestamp":"([^"]+)"/.exec(sampleLines('gemini-429.jsonl').join('\n'))?.[1] ?? '';
      assert.equal(summary.rateLimitedUntil, new Date(Date.parse(stamp) + 20_000).toISOString(), 'from the result line\'s own timestamp');
    },
  },
  {
    file: 'gemini-maxturns.jsonl',
    backend: 'gemini',
    exit: 53,
    events: ['started', 'tool_call:run_shell_command', 'tool_result', 'usage', 'result'],
    kind: 'max_turns',
    message: /maxSessionTurns/,
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

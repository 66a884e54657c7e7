// The real Codex CLI (pinned in test/agents/package.json) against the scripted Responses API
// server: the codex backend's argv, env, parser and classification end to end.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { codex } from '../../src/workers/agents/codex.js';
import { apiError, declaredToolType, responsesToolOutputs, text, type ModelServer } from '../fixtures/model-server/index.js';
import { CODEX_KEY, CODEX_MODEL, codexCwd, codexHome, writeWithApplyPatch, type CodexConfigOptions } from './codex-kit.js';
import { clis, realRun, REAL_TIMEOUT_MS, skipReal, traffic, type RealOpts } from './real-harness.js';

const codexEnv =
  (o: CodexConfigOptions = {}) =>
  (server: ModelServer, dirs: { home: string }): NodeJS.ProcessEnv =>
    codexHome(dirs.home, server.url, o);

const rateLimitWords = (s: number) =>
  `Rate limit reached for ${CODEX_MODEL} in organization org-test on tokens per min (TPM): Limit 30000, Used 30000, Requested 900. Please try again in ${s}s. Visit https://platform.openai.com/account/rate-limits to learn more.`;

describe('real codex', { skip: skipReal, timeout: 10 * 60_000 }, () => {
  let bin = '';
  before(async () => {
    bin = (await clis()).codex;
  });
  const opts = (o: Omit<RealOpts, 'backend' | 'bin'>): RealOpts => ({ backend: codex, bin, env: codexEnv(), settings: { model: CODEX_MODEL }, ...o });
  const timeout = REAL_TIMEOUT_MS + 15_000;

  test('a model that writes out.txt with apply_patch → file_change, success, the file exists, tokens counted', { timeout }, async (t) => {
    let cwd: string | undefined;
    let patchResult = '';
    const r = await realRun(
      t,
      opts({
        script: [
          (req) => {
            cwd = codexCwd(req);
            return writeWithApplyPatch('out.txt', 'made by the model\n');
          },
          (req) => {
            patchResult = JSON.stringify(responsesToolOutputs(req.body));
            return text('done!');
          },
        ],
      }),
    );
    assert.equal(r.outcome.kind, 'success', r.outcome.message + r.stderr);
    assert.equal(r.exit.code, 0);
    assert.equal(cwd, r.project, 'codex works in the project (-C)');
    assert.equal(readFileSync(path.join(r.project, 'out.txt'), 'utf8'), 'made by the model\n');
    const call = r.events.find((e) => e.type === 'tool_call');
    assert.equal(call?.type === 'tool_call' && call.name, 'file_change');
    assert.match(JSON.stringify(call), /out\.txt/);
    assert.ok(r.events.some((e) => e.type === 'tool_result' && e.ok));
    assert.match(patchResult, /custom_tool_call_output.*Success/, 'the patch result went back to the model');
    assert.equal(r.summary.lastText, 'done!');
    // Two requests of 10 in / 5 out each (the server's default usage): codex sums a turn.
    assert.deepEqual(r.summary.usage, { inputTokens: 20, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null });
    // What codex sent: Responses API over HTTP, our key, the model we chose, apply_patch as a freeform tool.
    const main = r.server.requests.filter((q) => q.step !== 'side');
    assert.equal(main.length, 2);
    for (const q of main) {
      assert.equal(q.path, '/v1/responses');
      assert.equal(q.headers.authorization, `Bearer ${CODEX_KEY}`);
      assert.deepEqual([(q.body as { model?: string }).model, (q.body as { stream?: boolean }).stream], [CODEX_MODEL, true]);
    }
    assert.equal(declaredToolType(main[0]?.body, 'apply_patch'), 'custom');
    assert.match(traffic(r.server), /Create out\.txt in the project directory\./);
    assert.doesNotMatch(traffic(r.server), /aura-key-must-not-leak/);
    assert.equal(r.env.AURA_API_KEY, undefined);
    assert.equal(r.env.OPENAI_API_KEY, CODEX_KEY);
  });

  test('a model that only claims success → success, but no file (the evidence gate will refuse it)', { timeout }, async (t) => {
    const r = await realRun(t, opts({ script: [text('All done, I wrote out.txt.')] }));
    assert.equal(r.outcome.kind, 'success', r.outcome.message + r.stderr);
    assert.equal(r.summary.toolCalls, 0);
    assert.equal(existsSync(path.join(r.project, 'out.txt')), false);
  });

  test('a refused key (401) → codex retries it 5 times itself, then api_error naming OPENAI_API_KEY', { timeout }, async (t) => {
    const refused = apiError(401, 'invalid_request_error', { code: 'invalid_api_key', message: 'Incorrect API key provided: sk-bad.' });
    const r = await realRun(t, opts({ script: Array.from({ length: 8 }, () => refused) }));
    assert.equal(r.outcome.kind, 'api_error', r.outcome.message);
    assert.match(r.outcome.message, /401 Unauthorized: Incorrect API key provided.*check OPENAI_API_KEY/);
    assert.equal(r.exit.code, 1);
    assert.equal(r.server.played, 6, 'one request and codex\'s 5 retries');
    assert.ok(r.summary.errors.some((e) => /^Reconnecting\.\.\. 5\/5 \(unexpected status 401/.test(e)), r.summary.errors.join('\n'));
  });

  test('an HTTP 429 with Retry-After → codex waits that long itself and the run succeeds', { timeout }, async (t) => {
    const r = await realRun(t, opts({ script: [apiError(429, 'requests', { code: 'rate_limit_exceeded', retryAfter: 2, message: rateLimitWords(2) }), text('done!')] }));
    assert.equal(r.outcome.kind, 'success', r.outcome.message);
    const [first, second] = r.server.requests;
    assert.ok(first && second && second.at - first.at >= 2000, `retried after ${second && first ? second.at - first.at : '?'} ms`);
    assert.ok(r.summary.errors.some((e) => /Reconnecting\.\.\. 1\/5 \(exceeded retry limit, last status: 429/.test(e)));
  });

  test('an HTTP 429 codex gives up on → rate_limited, with no time (codex drops the body and Retry-After)', { timeout }, async (t) => {
    const r = await realRun(t, opts({ env: codexEnv({ streamRetries: 0 }), script: [apiError(429, 'requests', { code: 'rate_limit_exceeded', retryAfter: 30, message: rateLimitWords(30) })] }));
    assert.equal(r.outcome.kind, 'rate_limited', r.outcome.message);
    assert.equal(r.outcome.retryAt, undefined);
    assert.equal(r.summary.result?.message, 'exceeded retry limit, last status: 429 Too Many Requests');
  });

  test('a rate limit inside the stream → rate_limited at the time it states', { timeout }, async (t) => {
    const r = await realRun(t, opts({ env: codexEnv({ streamRetries: 0 }), script: [{ ...text(''), streamError: { code: 'rate_limit_exceeded', message: rateLimitWords(3) } }] }));
    assert.equal(r.outcome.kind, 'rate_limited', r.outcome.message);
    const asked = r.server.requests[0]?.at ?? 0;
    const at = Date.parse(r.outcome.retryAt ?? '');
    assert.ok(at >= asked + 3000, `retryAt ${r.outcome.retryAt} is 3 s after the request at ${new Date(asked).toISOString()} or later`);
    assert.match(r.outcome.message, /rate limit exceeded:.*Please try again in 3s/);
  });

  test('an unreachable provider ends the run (aura turns off codex\'s endless "waiting for network")', { timeout }, async (t) => {
    const r = await realRun(
      t,
      opts({
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        env: (_server, dirs) => codexHome(dirs.home, 'http://127.0.0.1:9', { streamRetries: 0 }),
        script: [],
      }),
    );
    assert.equal(r.timedOut, false);
    assert.equal(r.outcome.kind, 'failed', r.outcome.message);
    assert.match(r.outcome.message, /Connection failed/);
    assert.ok(!r.summary.errors.some((e) => /waiting for network/.test(e)), r.summary.errors.join('\n'));
  });

  test('SIGTERM while the model is silent ends codex (the node wrapper passes it to the native binary)', { timeout }, async (t) => {
    const r = await realRun(t, opts({ signalWhenAsked: 'SIGTERM', timeoutMs: 20_000, script: [text('never finished', { stallAfterChars: 100 })] }));
    assert.equal(r.timedOut, false, 'ended by SIGTERM, not by the test\'s SIGKILL');
    assert.equal(r.summary.result, null, 'no result line: it was stopped');
  });

  test('a model that never answers → the process group is killed, killed outcome', { timeout }, async (t) => {
    const r = await realRun(t, opts({ timeoutMs: 5000, script: [text('too late', { delayMs: 60_000 })] }));
    assert.equal(r.timedOut, true);
    assert.equal(r.outcome.kind, 'killed');
    assert.match(r.outcome.message, /time budget used up/);
  });
});

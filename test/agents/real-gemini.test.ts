// The real Gemini CLI (pinned in test/agents/package.json) against the scripted Gemini API server:
// the gemini backend's argv, env, parser and classification end to end.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { gemini } from '../../src/workers/agents/gemini.js';
import { geminiFunctionResponses, text, toolUse, type ModelServer } from '../fixtures/model-server/index.js';
import { GEMINI_KEY, GEMINI_MODEL, geminiHome, geminiWorkspace, keyInvalid, quota429, type GeminiSettings } from './gemini-kit.js';
import { clis, realRun, REAL_TIMEOUT_MS, skipReal, traffic, type RealOpts } from './real-harness.js';

const geminiEnv =
  (o: GeminiSettings = {}) =>
  (server: ModelServer, dirs: { home: string }): NodeJS.ProcessEnv =>
    geminiHome(dirs.home, server.url, o);

describe('real gemini', { skip: skipReal, timeout: 10 * 60_000 }, () => {
  let bin = '';
  before(async () => {
    bin = (await clis()).gemini;
  });
  const opts = (o: Omit<RealOpts, 'backend' | 'bin'>): RealOpts => ({ backend: gemini, bin, env: geminiEnv(), settings: { model: GEMINI_MODEL }, ...o });
  const timeout = REAL_TIMEOUT_MS + 15_000;

  test('a model that writes out.txt with write_file → success, the file exists, tokens counted', { timeout }, async (t) => {
    let workspace: string | undefined;
    let written = '';
    const r = await realRun(
      t,
      opts({
        script: [
          (req) => {
            workspace = geminiWorkspace(req);
            return toolUse('write_file', { file_path: path.join(workspace ?? '.', 'out.txt'), content: 'made by the model\n' });
          },
          (req) => {
            written = JSON.stringify(geminiFunctionResponses(req.body));
            return text('done!');
          },
        ],
      }),
    );
    assert.equal(r.outcome.kind, 'success', r.outcome.message + r.stderr);
    assert.equal(r.exit.code, 0);
    assert.equal(workspace, r.project, 'gemini works in the project');
    assert.equal(readFileSync(path.join(r.project, 'out.txt'), 'utf8'), 'made by the model\n');
    const call = r.events.find((e) => e.type === 'tool_call');
    assert.equal(call?.type === 'tool_call' && call.name, 'write_file');
    assert.ok(r.events.some((e) => e.type === 'tool_result' && e.ok));
    assert.match(written, /write_file.*Successfully created and wrote to new file/, 'the tool result went back to the model');
    assert.equal(r.summary.lastText, 'done!', 'the streamed pieces are joined');
    assert.deepEqual(r.summary.usage, { inputTokens: 20, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null });
    const main = r.server.requests.filter((q) => q.step !== 'side');
    assert.equal(main.length, 2);
    for (const q of main) {
      assert.equal(q.path, `/v1beta/models/${GEMINI_MODEL}:streamGenerateContent`);
      assert.equal(q.query, 'alt=sse');
      assert.equal(q.headers['x-goog-api-key'], GEMINI_KEY);
    }
    assert.match(traffic(r.server), /Create out\.txt in the project directory\./);
    assert.doesNotMatch(traffic(r.server), /aura-key-must-not-leak/);
    assert.equal(r.env.AURA_API_KEY, undefined);
    assert.equal(r.env.GEMINI_API_KEY, GEMINI_KEY);
  });

  test('a model that only claims success → success, but no file', { timeout }, async (t) => {
    const r = await realRun(t, opts({ script: [text('All done, I wrote out.txt.')] }));
    assert.equal(r.outcome.kind, 'success', r.outcome.message + r.stderr);
    assert.equal(r.summary.toolCalls, 0);
    assert.equal(existsSync(path.join(r.project, 'out.txt')), false);
  });

  test('a refused key (Google: 400 API_KEY_INVALID) → not retried, exit 144, api_error naming GEMINI_API_KEY', { timeout }, async (t) => {
    const r = await realRun(t, opts({ script: [keyInvalid(), keyInvalid()] }));
    assert.equal(r.outcome.kind, 'api_error', r.outcome.message);
    assert.match(r.outcome.message, /API error 400.*API key not valid.*check GEMINI_API_KEY/);
    assert.equal(r.exit.code, 144, '400 cut to a byte');
    assert.equal(r.server.played, 1);
  });

  test('a 429 gemini gives up on (general.maxAttempts 1) → exit 173, rate_limited at the time it states', { timeout }, async (t) => {
    const r = await realRun(t, opts({ env: geminiEnv({ maxAttempts: 1 }), script: [quota429(3)] }));
    assert.equal(r.outcome.kind, 'rate_limited', r.outcome.message);
    assert.equal(r.exit.code, 173);
    const asked = r.server.requests[0]?.at ?? 0;
    assert.ok(Date.parse(r.outcome.retryAt ?? '') >= asked + 3000, `retryAt ${r.outcome.retryAt}, asked at ${new Date(asked).toISOString()}`);
    assert.match(r.outcome.message, /Suggested retry after 3s/);
  });

  test('a 429 once → gemini waits itself, no shorter than RetryInfo, and the run succeeds', { timeout }, async (t) => {
    const r = await realRun(t, opts({ script: [quota429(1), text('done!')] }));
    assert.equal(r.outcome.kind, 'success', r.outcome.message + r.stderr);
    const [first, second] = r.server.requests;
    assert.ok(first && second && second.at - first.at >= 1000, `retried after ${second && first ? second.at - first.at : '?'} ms`);
    assert.match(r.stderr, /Attempt 1 failed: .*Please retry in 1s/);
  });

  test('a base URL without the key selected in settings.json → exit 41, api_error that says how to select it', { timeout }, async (t) => {
    const r = await realRun(t, opts({ env: geminiEnv({ noAuthSelected: true }), script: [text('never asked')] }));
    assert.equal(r.exit.code, 41);
    assert.equal(r.outcome.kind, 'api_error', r.outcome.message);
    assert.match(r.outcome.message, /Invalid auth method selected.*"selectedType":"gemini-api-key"/);
    assert.equal(r.server.requests.length, 0);
  });

  test('SIGTERM while the model is silent ends gemini (aura runs it as one process: the relaunching parent ignores SIGTERM)', { timeout }, async (t) => {
    const r = await realRun(t, opts({ signalWhenAsked: 'SIGTERM', timeoutMs: 20_000, script: [text('never finished', { stallAfterChars: 100 })] }));
    assert.equal(r.timedOut, false, 'ended by SIGTERM, not by the test\'s SIGKILL');
    assert.equal(r.env.GEMINI_CLI_NO_RELAUNCH, 'true');
    assert.equal(r.summary.result, null, 'no result line: it was stopped');
  });

  test('settings model.maxSessionTurns 1 with a tool call → exit 53, max_turns', { timeout }, async (t) => {
    const r = await realRun(
      t,
      opts({
        env: geminiEnv({ maxSessionTurns: 1 }),
        script: [toolUse('run_shell_command', { command: 'echo hello-from-tool', description: 'echo' }), text('never reached')],
      }),
    );
    assert.equal(r.exit.code, 53);
    assert.equal(r.outcome.kind, 'max_turns', r.outcome.message);
    assert.ok(r.events.some((e) => e.type === 'tool_result' && e.ok && e.output === 'hello-from-tool'));
    assert.equal(r.server.played, 1);
  });
});

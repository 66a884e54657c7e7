// The real Claude Code binary (pinned in test/agents/package.json) against the scripted model
// server: the claude backend's argv, env, parser and classification end to end.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { claude } from '../../src/workers/agents/claude.js';
import { apiError, text, toolResults, toolUse, type ModelServer } from '../fixtures/model-server/index.js';
import { clis, realRun, REAL_TIMEOUT_MS, skipReal, traffic, type RealOpts } from './real-harness.js';

const claudeEnv =
  (extra: NodeJS.ProcessEnv = {}) =>
  (server: ModelServer): NodeJS.ProcessEnv => ({
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: 'sk-test',
    IS_SANDBOX: '1', // these tests may run as root, where bypassPermissions needs it
    ...extra,
  });

describe('real claude', { skip: skipReal, timeout: 10 * 60_000 }, () => {
  let bin = '';
  before(async () => {
    bin = (await clis()).claude;
  });
  const opts = (o: Omit<RealOpts, 'backend' | 'bin'>): RealOpts => ({ backend: claude, bin, ...o });
  const timeout = REAL_TIMEOUT_MS + 15_000;

  test('a model that writes out.txt with the Write tool → tool_call Write, success, the file exists', { timeout }, async (t) => {
    let sawResult = '';
    const r = await realRun(
      t,
      opts({
        env: claudeEnv(),
        script: [
          (req) => {
            const dir = /Primary working directory: ([^\s\\"]+)/.exec(JSON.stringify(req.body))?.[1] ?? '.';
            return toolUse('Write', { file_path: path.join(dir, 'out.txt'), content: 'made by the model\n' }, { id: 'toolu_write1' });
          },
          (req) => {
            const res = toolResults(req)[0];
            sawResult = JSON.stringify(res);
            return res && !res.is_error ? text('done!') : text('the write failed');
          },
        ],
      }),
    );
    assert.equal(r.outcome.kind, 'success', r.outcome.message + r.stderr);
    assert.equal(r.exit.code, 0);
    const call = r.events.find((e) => e.type === 'tool_call');
    assert.deepEqual(call?.type === 'tool_call' && [call.name, call.id], ['Write', 'toolu_write1']);
    assert.ok(r.events.some((e) => e.type === 'tool_result' && e.ok && e.id === 'toolu_write1'));
    assert.equal(readFileSync(path.join(r.project, 'out.txt'), 'utf8'), 'made by the model\n');
    assert.match(sawResult, /toolu_write1/);
    assert.equal(r.summary.lastText, 'done!');
    assert.equal(r.summary.toolCalls, 1);
    assert.ok(r.summary.usage.inputTokens > 0 && (r.summary.usage.costUsd ?? 0) > 0, JSON.stringify(r.summary.usage));
    // What claude sent: the streaming Messages API with our key, the prompt, and tools.
    assert.equal(r.server.overrun, 0);
    const main = r.server.requests.filter((q) => q.step !== 'side');
    assert.equal(main.length, 2);
    for (const q of main) {
      assert.equal(q.path, '/v1/messages');
      assert.equal(q.headers['x-api-key'], 'sk-test');
      assert.equal((q.body as { stream?: boolean }).stream, true);
    }
    assert.match(traffic(r.server), /Create out\.txt in the project directory\./);
    assert.doesNotMatch(traffic(r.server), /aura-key-must-not-leak/);
  });

  test('a model that only claims success → success, but no file (the evidence gate will refuse it)', { timeout }, async (t) => {
    const r = await realRun(t, opts({ env: claudeEnv(), script: [text('done!')] }));
    assert.equal(r.outcome.kind, 'success', r.outcome.message);
    assert.equal(r.summary.toolCalls, 0);
    assert.equal(existsSync(path.join(r.project, 'out.txt')), false);
  });

  test('a 401 from the API → api_error quickly (retries capped)', { timeout }, async (t) => {
    const r = await realRun(
      t,
      opts({
        env: claudeEnv({ CLAUDE_CODE_MAX_RETRIES: '0' }),
        script: [apiError(401, 'authentication_error', { message: 'invalid x-api-key' }), apiError(401, 'authentication_error')],
      }),
    );
    assert.equal(r.outcome.kind, 'api_error', r.outcome.message);
    assert.match(r.outcome.message, /401/);
    assert.equal(r.exit.code, 1);
    assert.equal(r.summary.result?.apiErrorStatus, 401);
    assert.equal(r.summary.result?.ok, false);
    assert.equal(r.server.played, 1, 'MAX_RETRIES=0: no retry');
  });

  test('a 429 → rate_limited', { timeout }, async (t) => {
    const r = await realRun(
      t,
      opts({ env: claudeEnv({ CLAUDE_CODE_MAX_RETRIES: '0' }), script: [apiError(429, 'rate_limit_error', { retryAfter: 1 })] }),
    );
    assert.equal(r.outcome.kind, 'rate_limited', r.outcome.message);
  });

  test('--max-turns 1 with a tool call → max_turns', { timeout }, async (t) => {
    const r = await realRun(
      t,
      opts({
        env: claudeEnv(),
        settings: { maxTurns: 1 },
        script: [toolUse('Bash', { command: 'echo hello-from-tool', description: 'echo' }), text('never reached')],
      }),
    );
    assert.equal(r.outcome.kind, 'max_turns', r.outcome.message);
    assert.equal(r.exit.code, 1);
    assert.ok(r.events.some((e) => e.type === 'tool_result' && e.ok && e.output === 'hello-from-tool'));
    assert.equal(r.server.played, 1);
  });

  test('--max-budget-usd below one call\'s cost → budget_exhausted', { timeout }, async (t) => {
    const r = await realRun(
      t,
      opts({
        env: claudeEnv(),
        settings: { maxBudgetUsd: 0.0001 },
        script: [toolUse('Bash', { command: 'echo spent', description: 'echo' }), text('never reached')],
      }),
    );
    assert.equal(r.outcome.kind, 'budget_exhausted', r.outcome.message);
    assert.ok((r.summary.usage.costUsd ?? 0) > 0.0001, 'the cap is checked after the spend');
  });

  test('a model that hangs past the time limit → the process group is killed, killed outcome', { timeout }, async (t) => {
    const r = await realRun(t, opts({ env: claudeEnv(), timeoutMs: 3000, script: [text('too late', { delayMs: 30_000 })] }));
    assert.equal(r.timedOut, true);
    assert.equal(r.exit.signal, 'SIGKILL');
    assert.equal(r.outcome.kind, 'killed');
    assert.match(r.outcome.message, /time budget used up/);
    assert.ok(r.ms < 10_000, `${r.ms} ms`);
  });

  test('as root without IS_SANDBOX: preflight predicts the refusal the binary makes', { timeout, skip: process.getuid?.() !== 0 && 'not root' }, async (t) => {
    const r = await realRun(t, opts({ env: (s) => ({ ...claudeEnv()(s), IS_SANDBOX: '' }), script: [text('never asked')] }));
    const predicted = claude.preflight({ uid: 0, env: claude.env({ IS_SANDBOX: '' }, r.input), argv: claude.argv(r.input) });
    assert.ok(predicted);
    assert.equal(r.outcome.kind, 'failed', r.outcome.message);
    assert.match(r.outcome.message, /failed to start.*root/);
    assert.equal(r.server.requests.length, 0);
  });
});

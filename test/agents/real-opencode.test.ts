// The real OpenCode binary (pinned in test/agents/package.json) against the scripted model server,
// which it reaches as its "anthropic" provider: the opencode backend end to end.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { opencode } from '../../src/workers/agents/opencode.js';
import { apiError, text, toolResults, toolUse, type ModelServer } from '../fixtures/model-server/index.js';
import { clis, realRun, REAL_TIMEOUT_MS, skipReal, traffic, type RealOpts } from './real-harness.js';

const MODEL = 'anthropic/claude-sonnet-4-5';

const opencodeEnv = (server: ModelServer): NodeJS.ProcessEnv => ({
  OPENCODE_CONFIG_CONTENT: JSON.stringify({
    provider: { anthropic: { options: { baseURL: `${server.url}/v1`, apiKey: 'sk-test' } } },
    autoupdate: false,
    share: 'disabled',
  }),
  // No network but the model server: no models.dev refresh, no LSP downloads.
  OPENCODE_DISABLE_MODELS_FETCH: '1',
  OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
});

describe('real opencode', { skip: skipReal, timeout: 10 * 60_000 }, () => {
  let bin = '';
  before(async () => {
    bin = (await clis()).opencode;
  });
  const opts = (o: Omit<RealOpts, 'backend' | 'bin'>): RealOpts => ({ backend: opencode, bin, env: opencodeEnv, settings: { model: MODEL }, ...o });
  const timeout = REAL_TIMEOUT_MS + 15_000;

  test('a model that writes out.txt with the write tool → tool_call write, success, the file exists', { timeout }, async (t) => {
    let project = '';
    const r = await realRun(
      t,
      opts({
        script: [
          (req) => {
            // opencode states the working directory in its system prompt.
            project = /Working directory: ([^\s\\"<]+)/.exec(JSON.stringify(req.body))?.[1] ?? '.';
            return toolUse('write', { filePath: path.join(project, 'out.txt'), content: 'made by the model\n' }, { id: 'toolu_oc1' });
          },
          (req) => (toolResults(req)[0]?.is_error ? text('the write failed') : text('done!')),
        ],
      }),
    );
    assert.equal(r.outcome.kind, 'success', r.outcome.message + r.stderr);
    assert.equal(r.exit.code, 0);
    assert.equal(path.resolve(project), r.project, 'the model was told the project directory');
    const call = r.events.find((e) => e.type === 'tool_call');
    assert.deepEqual(call?.type === 'tool_call' && [call.name, call.id], ['write', 'toolu_oc1']);
    assert.ok(r.events.some((e) => e.type === 'tool_result' && e.ok));
    assert.equal(readFileSync(path.join(r.project, 'out.txt'), 'utf8'), 'made by the model\n');
    assert.equal(r.summary.result, null, 'opencode prints no result line');
    assert.equal(r.summary.lastText, 'done!');
    assert.ok((r.summary.usage.costUsd ?? 0) > 0);
    assert.equal(r.server.overrun, 0);
    assert.match(traffic(r.server), /Create out\.txt in the project directory\./);
    assert.doesNotMatch(traffic(r.server), /aura-key-must-not-leak/);
    const main = r.server.requests.filter((q) => q.step !== 'side' && q.step !== null);
    assert.ok(main.every((q) => q.headers['x-api-key'] === 'sk-test' && (q.body as { model?: string }).model === 'claude-sonnet-4-5'));
  });

  test('a model that only claims success → success, but no file', { timeout }, async (t) => {
    const r = await realRun(t, opts({ script: [text('done!')] }));
    assert.equal(r.outcome.kind, 'success', r.outcome.message + r.stderr);
    assert.equal(r.summary.toolCalls, 0);
    assert.equal(existsSync(path.join(r.project, 'out.txt')), false);
  });

  test('a 401 from the API → api_error', { timeout }, async (t) => {
    const r = await realRun(t, opts({ script: [apiError(401, 'authentication_error', { message: 'invalid x-api-key' })] }));
    assert.equal(r.outcome.kind, 'api_error', r.outcome.message);
    assert.match(r.outcome.message, /401.*invalid x-api-key/);
    assert.equal(r.exit.code, 1);
  });
});

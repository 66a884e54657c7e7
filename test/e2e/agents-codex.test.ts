// The codex backend through the whole daemon with the real Codex CLI (pinned in test/agents/) against
// the scripted Responses API server: the acceptance every backend passes, and codex's own 429 wait.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, text } from '../fixtures/model-server/index.js';
import { CODEX_KEY, CODEX_MODEL, codexHome, writeWithApplyPatch } from '../agents/codex-kit.js';
import { agentAcceptance } from './agent-acceptance.js';

const rateLimitWords = (s: number) => `Rate limit reached for ${CODEX_MODEL} on tokens per min (TPM): Limit 30000, Used 30000, Requested 900. Please try again in ${s}s.`;

agentAcceptance({
  worker: 'codex',
  model: CODEX_MODEL,
  keyVar: 'OPENAI_API_KEY',
  key: CODEX_KEY,
  sentKey: (req) => req.headers.authorization?.toString().replace(/^Bearer /, ''),
  // The worker's HOME doubles as CODEX_HOME: nothing of the machine's ~/.codex is used.
  env: (server, home, o) => codexHome(home, server.url, o.failFast ? { streamRetries: 0 } : {}),
  // codex works in the project (-C), so the patch path is relative to it, as a model would write it.
  writeOut: (_dir, content) => writeWithApplyPatch('out.txt', content),
  fileTool: 'file_change',
  refusedKey: () => apiError(401, 'invalid_request_error', { code: 'invalid_api_key', message: 'Incorrect API key provided: sk-codex-test.' }),
  // codex drops an HTTP 429's time when it gives up; a rate limit inside the stream keeps its words.
  rateLimited: (s) => ({ ...text(''), streamError: { code: 'rate_limit_exceeded', message: rateLimitWords(s) } }),
}, (setup) => {
  test('an HTTP 429 with Retry-After → codex waits that long itself: one attempt, done', async () => {
    const s = await setup(
      () => [apiError(429, 'requests', { code: 'rate_limit_exceeded', retryAfter: 2, message: rateLimitWords(2) }), writeWithApplyPatch('out.txt', 'after the wait\n'), text('done!')],
      {},
      { failFast: false },
    );
    const r = await s.run();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const t = s.p.state().tasks.greet!;
    assert.equal(t.status, 'done');
    assert.equal(t.attempts.length, 1);
    const [first, second] = s.server.requests;
    assert.ok(first && second && second.at - first.at >= 2000, `codex asked again after ${second && first ? second.at - first.at : '?'} ms`);
  });
});

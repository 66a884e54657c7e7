// The planner's API client: the real @anthropic-ai/sdk against the scripted model server. Header
// styles, which failures are retried (and how long aura waits), and how failures are described.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { authStyle, CallError, createClient, retryAfterMs, usageOf } from '../../src/planner/client.js';
import { apiError, startModelServer, text, type ModelServer, type Step } from '../fixtures/model-server/index.js';

const servers: ModelServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(script: Step[]): Promise<ModelServer> {
  // Every /v1/messages request plays a step (the planner's requests always carry tools, but these
  // tests send none).
  const s = await startModelServer(script, { isMain: (r) => r.path === '/v1/messages' });
  servers.push(s);
  return s;
}

function config(url: string, extra: Record<string, string> = {}) {
  return loadConfig({ projectDir: '/nonexistent', homeDir: '/nonexistent', flags: {}, env: { AURA_API_KEY: 'sk-canary-123', AURA_API_BASE_URL: url, ...extra } }).config;
}

const params = { model: 'm', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

async function failure(p: Promise<unknown>): Promise<CallError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CallError) return err;
    throw err;
  }
  assert.fail('expected a CallError');
}

describe('planner client', () => {
  test('auth header style: x-api-key + 2023-06-01 for compatible endpoints, Bearer + the new version for Anthropic', async () => {
    const s = await serve([text('a'), text('b')]);
    await createClient(config(s.url)).send(params);
    const h1 = s.requests[0]!.headers;
    assert.equal(h1['x-api-key'], 'sk-canary-123');
    assert.equal(h1['anthropic-version'], '2023-06-01');
    assert.equal(h1.authorization, undefined);
    await createClient(config(s.url, { AURA_API_AUTH_HEADER: 'bearer' })).send(params);
    const h2 = s.requests[1]!.headers;
    assert.equal(h2.authorization, 'Bearer sk-canary-123');
    assert.equal(h2['x-api-key'], undefined);
    assert.equal(h2['anthropic-version'], '2026-10-21');
    assert.equal(authStyle({ AURA_API_AUTH_HEADER: 'auto', AURA_API_BASE_URL: 'https://api.anthropic.com' }), 'bearer');
    assert.equal(authStyle({ AURA_API_AUTH_HEADER: 'auto', AURA_API_BASE_URL: 'https://api.deepseek.com/anthropic' }), 'x-api-key');
  });

  test('a 429 with retry-after is retried after the wait it asks for', async () => {
    const s = await serve([apiError(429, 'rate_limit_error', { retryAfter: 1 }), text('ok')]);
    const t0 = Date.now();
    const r = await createClient(config(s.url, { AURA_API_MAX_RETRIES: '2' })).send(params);
    assert.equal(r.requests, 2);
    assert.ok(Date.now() - t0 >= 950, 'waited the second retry-after asked for');
    assert.equal(r.message.content[0]?.type, 'text');
  });

  test('a retry-after longer than a cycle waits is not waited out; the call fails saying so', async () => {
    const s = await serve([apiError(429, 'rate_limit_error', { retryAfter: 3600 }), text('never')]);
    const e = await failure(createClient(config(s.url, { AURA_API_MAX_RETRIES: '2' })).send(params));
    assert.equal(e.requests, 1);
    assert.equal(e.failure.kind, 'transient');
    assert.match(e.failure.message, /429.*asked to wait 3600s/);
  });

  test('529 and 500 are retried up to AURA_API_MAX_RETRIES; then a transient failure', async () => {
    const over = apiError(529, 'overloaded_error', { retryAfter: 0 });
    const s = await serve([over, apiError(500, 'api_error', { retryAfter: 0 }), over, text('late')]);
    const e = await failure(createClient(config(s.url, { AURA_API_MAX_RETRIES: '2' })).send(params));
    assert.equal(e.requests, 3);
    assert.equal(e.failure.kind, 'transient');
    assert.match(e.failure.message, /529/);
  });

  for (const [status, type, kind, pattern] of [
    [401, 'authentication_error', 'auth', /refused AURA_API_KEY \(401: .*\); fix the key/],
    [403, 'permission_error', 'auth', /refused AURA_API_KEY \(403/],
    [400, 'invalid_request_error', 'request', /rejected the request \(400/],
    [404, 'not_found_error', 'request', /404 .*AURA_API_BASE_URL=.*AURA_API_MODEL=/],
    [413, 'request_too_large', 'request', /rejected the request \(413/],
  ] as const) {
    test(`a ${status} is not retried (${kind})`, async () => {
      const s = await serve([apiError(status, type), text('never')]);
      const e = await failure(createClient(config(s.url, { AURA_API_MAX_RETRIES: '3' })).send(params));
      assert.equal(e.requests, 1);
      assert.equal(s.requests.length, 1);
      assert.equal(e.failure.kind, kind);
      assert.match(e.failure.message, pattern);
      assert.doesNotMatch(e.failure.message, /sk-canary-123/);
    });
  }

  test('a request that outlives AURA_API_TIMEOUT is a transient failure', async () => {
    const s = await serve([{ ...text('slow'), delayMs: 5000 }]);
    const e = await failure(createClient(config(s.url, { AURA_API_TIMEOUT: '0.5', AURA_API_MAX_RETRIES: '0' })).send(params));
    assert.equal(e.failure.kind, 'transient');
    assert.match(e.failure.message, /did not answer within AURA_API_TIMEOUT|timed out/i);
  });

  test('a stream cut in the middle fails the call (and is retried)', async () => {
    const cut = { ...text('this answer is cut off half way'), cutAfterChars: 300 };
    const s = await serve([cut, text('whole')]);
    const r = await createClient(config(s.url, { AURA_API_MAX_RETRIES: '1' })).send(params);
    assert.equal(r.requests, 2);
    const first = r.message.content[0];
    assert.equal(first?.type === 'text' ? first.text : null, 'whole');
    const s2 = await serve([cut]);
    const e = await failure(createClient(config(s2.url, { AURA_API_MAX_RETRIES: '0' })).send(params));
    assert.equal(e.failure.kind, 'transient');
  });

  test('an unreachable endpoint is a transient failure naming it', async () => {
    const e = await failure(createClient(config('http://127.0.0.1:9', { AURA_API_MAX_RETRIES: '0' })).send(params));
    assert.equal(e.failure.kind, 'transient');
    assert.match(e.failure.message, /127\.0\.0\.1:9/);
  });

  test('count_tokens goes to the server', async () => {
    const s = await serve([]);
    const n = await createClient(config(s.url)).countTokens({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(400) }] } as never);
    assert.ok(n >= 100);
  });

  test('retry-after parsing: ms header first, then seconds, then an HTTP date', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    assert.equal(retryAfterMs(h({ 'retry-after-ms': '250', 'retry-after': '9' })), 250);
    assert.equal(retryAfterMs(h({ 'retry-after': '2' })), 2000);
    assert.equal(retryAfterMs(h({ 'retry-after': new Date(10_000).toUTCString() }), 4000), 6000);
    assert.equal(retryAfterMs(h({ 'retry-after': 'soon' })), null);
    assert.equal(retryAfterMs(h({})), null);
  });

  test('usage and cost: cache writes at 1.25×, reads at 0.1× the input price', () => {
    const u = usageOf(
      { input_tokens: 1_000_000, output_tokens: 1_000_000, cache_creation_input_tokens: 1_000_000, cache_read_input_tokens: 1_000_000 } as never,
      { AURA_API_INPUT_USD_PER_MTOK: 3, AURA_API_OUTPUT_USD_PER_MTOK: 15 },
    );
    assert.equal(u.costUsd?.toFixed(4), (3 + 15 + 3.75 + 0.3).toFixed(4));
    assert.equal(u.cacheReadTokens, 1_000_000);
  });
});

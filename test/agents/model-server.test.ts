// The scripted model server itself, spoken to with plain fetch: SSE framing, JSON replies, errors,
// request recording, side requests and script steps that look at the request.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiError, startModelServer, text, toolResults, toolUse } from '../fixtures/model-server/index.js';

const tools = [{ name: 'Write', input_schema: { type: 'object' } }];

async function post(url: string, body: unknown, path = '/v1/messages?beta=true') {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test' }, body: JSON.stringify(body) });
}

/** SSE text → [event, data] pairs, checking each event's name matches its data.type. */
function parseSse(body: string): { event: string; data: Record<string, unknown> }[] {
  return body
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? '';
      const data = JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? 'null') as Record<string, unknown>;
      assert.equal(data.type, event);
      return { event, data };
    });
}

test('model server: streams text and tool_use as Messages API SSE', async (t) => {
  const srv = await startModelServer([toolUse('Write', { file_path: 'a.txt', content: 'x' }, { id: 'toolu_A', say: 'writing', usage: { cache_read_input_tokens: 7 } })]);
  t.after(() => srv.close());
  const res = await post(srv.url, { model: 'claude-x', stream: true, tools, messages: [{ role: 'user', content: 'go' }] });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const ev = parseSse(await res.text());
  assert.deepEqual(ev.map((e) => e.event), [
    'message_start', 'ping',
    'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop',
    'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop',
    'message_delta', 'message_stop',
  ]);
  const start = ev[0]?.data.message as { model: string; usage: Record<string, number> };
  assert.equal(start.model, 'claude-x');
  assert.deepEqual(start.usage, { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 7 });
  const text = ev.filter((e) => (e.data.delta as { type?: string } | undefined)?.type === 'text_delta').map((e) => (e.data.delta as { text: string }).text).join('');
  assert.equal(text, 'writing');
  const json = ev.filter((e) => (e.data.delta as { type?: string } | undefined)?.type === 'input_json_delta').map((e) => (e.data.delta as { partial_json: string }).partial_json).join('');
  assert.deepEqual(JSON.parse(json), { file_path: 'a.txt', content: 'x' });
  assert.deepEqual(ev[6]?.data.content_block, { type: 'tool_use', id: 'toolu_A', name: 'Write', input: {} });
  assert.deepEqual((ev[10]?.data.delta as { stop_reason: string }).stop_reason, 'tool_use');
});

test('model server: JSON replies without stream, end_turn by default', async (t) => {
  const srv = await startModelServer([text('hello')]);
  t.after(() => srv.close());
  const res = await post(srv.url, { model: 'm', tools, messages: [] }, '/v1/messages');
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(body.type, 'message');
  assert.deepEqual(body.content, [{ type: 'text', text: 'hello' }]);
  assert.equal(body.stop_reason, 'end_turn');
});

test('model server: scripted errors carry type, status and retry-after', async (t) => {
  const srv = await startModelServer([apiError(429, 'rate_limit_error', { retryAfter: 12, message: 'slow down' })]);
  t.after(() => srv.close());
  const res = await post(srv.url, { model: 'm', stream: true, tools, messages: [] });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '12');
  assert.deepEqual(await res.json(), { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } });
});

test('model server: records requests; side requests and count_tokens do not use up steps; overrun is counted', async (t) => {
  const seen: string[] = [];
  const srv = await startModelServer([
    toolUse('Write', { file_path: 'a' }, { id: 'toolu_1' }),
    (req) => {
      seen.push(JSON.stringify(toolResults(req)));
      return toolResults(req).some((r) => r.is_error) ? text('it failed') : text('it worked');
    },
  ]);
  t.after(() => srv.close());
  await (await post(srv.url, { model: 'haiku', stream: true, messages: [{ role: 'user', content: 'title please' }] })).text();
  await (await post(srv.url, { model: 'm', messages: [] }, '/v1/messages/count_tokens')).json();
  await (await post(srv.url, { model: 'm', stream: true, tools, messages: [{ role: 'user', content: 'go' }] })).text();
  const second = await post(srv.url, {
    model: 'm',
    stream: true,
    tools,
    messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] }],
  });
  const said = parseSse(await second.text())
    .map((e) => (e.data.delta as { text?: string } | undefined)?.text ?? '')
    .join('');
  assert.equal(said, 'it worked');
  await (await post(srv.url, { model: 'm', stream: true, tools, messages: [] })).text();
  assert.equal(srv.played, 2);
  assert.equal(srv.overrun, 1);
  assert.deepEqual(srv.requests.map((r) => [r.path, r.query, r.step]), [
    ['/v1/messages', 'beta=true', 'side'],
    ['/v1/messages/count_tokens', '', null],
    ['/v1/messages', 'beta=true', 0],
    ['/v1/messages', 'beta=true', 1],
    ['/v1/messages', 'beta=true', 2],
  ]);
  assert.equal(srv.requests[0]?.headers['x-api-key'], 'sk-test');
  assert.deepEqual(seen, ['[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]']);
});

test('model server: unknown routes are 404 and recorded', async (t) => {
  const srv = await startModelServer([]);
  t.after(() => srv.close());
  const res = await fetch(`${srv.url}/v1/models`);
  assert.equal(res.status, 404);
  assert.equal(srv.requests[0]?.method, 'GET');
});

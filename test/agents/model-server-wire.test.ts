// The scripted model server's OpenAI Responses and Gemini sides, spoken to with plain fetch: the
// event sequences codex and gemini read, tool calls, usage, errors, and the stall and hold steps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  apiError,
  geminiFunctionResponses,
  responsesToolOutputs,
  startModelServer,
  text,
  toolUse,
  type ModelServer,
} from '../fixtures/model-server/index.js';

const post = (srv: ModelServer, path: string, body: unknown) =>
  fetch(`${srv.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Responses SSE → its events, checking each event name matches data.type and the sequence numbers count up. */
function responsesEvents(body: string): Record<string, unknown>[] {
  const blocks = body.split('\n\n').filter((b) => b.trim());
  return blocks.map((block, i) => {
    const event = /^event: (.+)$/m.exec(block)?.[1] ?? '';
    const data = JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? 'null') as Record<string, unknown>;
    assert.equal(data.type, event);
    assert.equal(data.sequence_number, i);
    return data;
  });
}

/** Gemini SSE (`data: {…}` separated by CRLF CRLF) → its chunks. */
function geminiChunks(body: string): Record<string, unknown>[] {
  assert.ok(body.endsWith('\r\n\r\n'), 'every chunk ends with a blank line');
  return body
    .split('\r\n\r\n')
    .filter((b) => b.trim())
    .map((b) => {
      assert.ok(b.startsWith('data: '), b);
      return JSON.parse(b.slice(6)) as Record<string, unknown>;
    });
}

const responsesTools = [{ type: 'function', name: 'exec_command' }, { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } }];

test('responses: text and a function call stream as items with deltas; usage counts cached tokens inside input', async (t) => {
  const srv = await startModelServer([toolUse('exec_command', { cmd: 'echo hi' }, { id: 'call_1', say: 'running it', usage: { input_tokens: 60, cache_read_input_tokens: 40, output_tokens: 7 } })]);
  t.after(() => srv.close());
  const res = await post(srv, '/v1/responses', { model: 'gpt-5.5', stream: true, tools: responsesTools, input: [] });
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const ev = responsesEvents(await res.text());
  assert.deepEqual(ev.map((e) => e.type), [
    'response.created', 'response.in_progress',
    'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
    'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done',
    'response.completed',
  ]);
  assert.equal(ev.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join(''), 'running it');
  const args = ev.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta).join('');
  assert.deepEqual(JSON.parse(args), { cmd: 'echo hi' });
  const call = ev[13]?.item as Record<string, unknown>;
  assert.deepEqual([call.type, call.call_id, call.name, call.arguments], ['function_call', 'call_1', 'exec_command', args]);
  const done = ev[14]?.response as { status: string; model: string; output: unknown[]; usage: Record<string, unknown> };
  assert.deepEqual([done.status, done.model, done.output.length], ['completed', 'gpt-5.5', 2]);
  assert.deepEqual(done.usage, { input_tokens: 100, input_tokens_details: { cached_tokens: 40 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 107 });
});

test('responses: a tool the request declared as custom (freeform) is called as custom_tool_call with its input string', async (t) => {
  const patch = '*** Begin Patch\n*** Add File: out.txt\n+hi\n*** End Patch\n';
  const srv = await startModelServer([toolUse('apply_patch', patch, { id: 'call_p' }), toolUse('apply_patch', patch)]);
  t.after(() => srv.close());
  const ev = responsesEvents(await (await post(srv, '/v1/responses', { model: 'm', tools: responsesTools, input: [] })).text());
  assert.deepEqual(ev.slice(2, 6).map((e) => e.type), ['response.output_item.added', 'response.custom_tool_call_input.delta', 'response.custom_tool_call_input.delta', 'response.custom_tool_call_input.done']);
  assert.deepEqual(ev[5]?.input, patch);
  const item = ev[6]?.item as Record<string, unknown>;
  assert.deepEqual([item.type, item.call_id, item.name, item.input], ['custom_tool_call', 'call_p', 'apply_patch', patch]);
  // Not declared custom (or not declared at all): a plain function call.
  const plain = responsesEvents(await (await post(srv, '/v1/responses', { model: 'm', tools: [{ type: 'function', name: 'apply_patch' }], input: [] })).text());
  assert.equal((plain.at(-2)?.item as { type: string }).type, 'function_call');
});

test('responses: errors carry OpenAI\'s envelope and code; a streamed failure is response.failed; tool outputs are read back', async (t) => {
  const srv = await startModelServer([
    apiError(401, 'invalid_request_error', { code: 'invalid_api_key', message: 'Incorrect API key provided' }),
    { ...text(''), streamError: { code: 'rate_limit_exceeded', message: 'Please try again in 2s.' } },
  ]);
  t.after(() => srv.close());
  const err = await post(srv, '/v1/responses', { tools: responsesTools, input: [] });
  assert.equal(err.status, 401);
  assert.deepEqual(await err.json(), { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
  const input = [
    { type: 'function_call_output', call_id: 'call_1', output: 'hi\n' },
    { type: 'custom_tool_call_output', call_id: 'call_p', output: 'Success.' },
  ];
  const ev = responsesEvents(await (await post(srv, '/v1/responses', { tools: responsesTools, input })).text());
  assert.deepEqual(ev.map((e) => e.type), ['response.created', 'response.in_progress', 'response.failed']);
  assert.deepEqual((ev[2]?.response as { error: unknown }).error, { code: 'rate_limit_exceeded', message: 'Please try again in 2s.' });
  assert.deepEqual(responsesToolOutputs(srv.requests[1]?.body).map((o) => [o.type, o.call_id]), [['function_call_output', 'call_1'], ['custom_tool_call_output', 'call_p']]);
  assert.deepEqual(srv.requests.map((q) => q.api), ['openai', 'openai']);
});

const geminiTools = [{ functionDeclarations: [{ name: 'write_file' }] }];

test('gemini: streamGenerateContent?alt=sse streams text in pieces, then a functionCall, the last chunk with finishReason and usage', async (t) => {
  const srv = await startModelServer([toolUse('write_file', { file_path: '/p/out.txt', content: 'x' }, { say: 'writing', usage: { input_tokens: 30, cache_read_input_tokens: 12, output_tokens: 4 } })]);
  t.after(() => srv.close());
  const res = await post(srv, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', { contents: [], tools: geminiTools });
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const chunks = geminiChunks(await res.text());
  const partsOf = (c: Record<string, unknown>) => (c.candidates as { content: { role: string; parts: Record<string, unknown>[] } }[])[0]!.content;
  assert.equal(chunks.length, 3);
  assert.ok(chunks.every((c) => partsOf(c).role === 'model' && c.modelVersion === 'gemini-2.5-flash'));
  assert.equal(chunks.slice(0, 2).map((c) => partsOf(c).parts[0]?.text).join(''), 'writing');
  assert.deepEqual(partsOf(chunks[2]!).parts, [{ functionCall: { name: 'write_file', args: { file_path: '/p/out.txt', content: 'x' } } }]);
  assert.ok(chunks.slice(0, 2).every((c) => c.usageMetadata === undefined && (c.candidates as { finishReason?: string }[])[0]!.finishReason === undefined));
  assert.equal((chunks[2]!.candidates as { finishReason: string }[])[0]!.finishReason, 'STOP');
  assert.deepEqual(chunks[2]!.usageMetadata, { promptTokenCount: 42, candidatesTokenCount: 4, totalTokenCount: 46, cachedContentTokenCount: 12 });
  assert.deepEqual([srv.requests[0]?.api, srv.requests[0]?.query, srv.requests[0]?.step], ['gemini', 'alt=sse', 0]);
});

test('gemini: generateContent answers JSON; requests without tools are side requests; countTokens counts; errors use Google\'s envelope', async (t) => {
  const details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }];
  const srv = await startModelServer([text('main answer'), apiError(429, 'RESOURCE_EXHAUSTED', { message: 'Please retry in 2s.', details })], { side: text('{"complexity_score":10}') });
  t.after(() => srv.close());
  const side = await (await post(srv, '/v1beta/models/flash-lite:generateContent', { contents: [], generationConfig: { responseMimeType: 'application/json' } })).json();
  assert.deepEqual((side as { candidates: { content: { parts: unknown[] } }[] }).candidates[0]?.content.parts, [{ text: '{"complexity_score":10}' }]);
  const main = (await (await post(srv, '/v1beta/models/pro:generateContent', { contents: [], tools: geminiTools })).json()) as Record<string, unknown>;
  assert.deepEqual((main.candidates as { content: { parts: unknown[] } }[])[0]?.content.parts, [{ text: 'main answer' }]);
  assert.deepEqual(main.usageMetadata, { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 });
  const count = (await (await post(srv, '/v1beta/models/pro:countTokens', { contents: [{ parts: [{ text: 'x'.repeat(400) }] }] })).json()) as { totalTokens: number };
  assert.ok(Number.isInteger(count.totalTokens) && count.totalTokens >= 100, JSON.stringify(count));
  const err = await post(srv, '/v1beta/models/pro:streamGenerateContent?alt=sse', { contents: [], tools: geminiTools });
  assert.equal(err.status, 429);
  assert.deepEqual(await err.json(), { error: { code: 429, message: 'Please retry in 2s.', status: 'RESOURCE_EXHAUSTED', details } });
  assert.deepEqual(srv.requests.map((q) => q.step), ['side', 0, null, 1]);
});

test('gemini: functionResponse parts of the last user turn are read back', () => {
  const body = {
    contents: [
      { role: 'user', parts: [{ text: 'go' }] },
      { role: 'model', parts: [{ functionCall: { name: 'write_file', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { id: 'w1', name: 'write_file', response: { output: 'ok' } } }] },
    ],
  };
  assert.deepEqual(geminiFunctionResponses(body), [{ id: 'w1', name: 'write_file', response: { output: 'ok' } }]);
  assert.deepEqual(geminiFunctionResponses({ contents: body.contents.slice(0, 2) }), []);
});

test('a held step answers only once the test lets it; a stalled stream sends its start and then nothing, until close', async (t) => {
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  const srv = await startModelServer([{ ...text('late'), holdUntil: held }, text('never finished', { stallAfterChars: 60 })]);
  t.after(() => srv.close());
  let answered = false;
  const first = post(srv, '/v1/responses', { tools: responsesTools, input: [] }).then(async (r) => {
    answered = true;
    return r.text();
  });
  while (srv.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
  assert.equal(answered, false, 'nothing before release');
  release();
  assert.match(await first, /response\.completed/);

  const res = await post(srv, '/v1beta/models/m:streamGenerateContent?alt=sse', { contents: [], tools: geminiTools });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  let got = '';
  while (got.length < 60) {
    const { value, done } = await reader.read();
    assert.equal(done, false);
    got += new TextDecoder().decode(value);
  }
  assert.equal(got.length, 60);
  const more = reader.read();
  await srv.close();
  // Closing the server ends the stalled stream with an error: the client never got an end.
  await assert.rejects(more);
});

// What a mutation's body may be, as a table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseControlBody } from '../../src/http/body.js';
import { HttpError } from '../../src/http/errors.js';

const J = 'application/json';
const table: Array<[string, string | undefined, unknown]> = [
  ['', undefined, {}],
  ['  \n', 'text/plain', {}],
  ['{}', J, {}],
  ['{"reason":"  lunch "}', J, { reason: 'lunch' }],
  ['{"reason":""}', `${J}; charset=utf-8`, {}],
  [JSON.stringify({ reason: 'x'.repeat(300) }), J, { reason: 'x'.repeat(200) }],
  ['x', 'text/plain', '415 unsupported_media_type'],
  ['{}', undefined, '415 unsupported_media_type'],
  ['{', J, '400 bad_request'],
  ['[]', J, '400 bad_request'],
  ['"reason"', J, '400 bad_request'],
  ['{"reason":1}', J, '400 bad_request'],
  ['{"reason":"a","task":"b"}', J, '400 bad_request'],
];

for (const [body, type, want] of table) {
  test(`body ${JSON.stringify(body.slice(0, 30))} (${type}) → ${typeof want === 'string' ? want : JSON.stringify(want)}`, () => {
    let got: unknown;
    try {
      got = parseControlBody(Buffer.from(body), type);
    } catch (err) {
      assert.ok(err instanceof HttpError);
      got = `${err.status} ${err.code}`;
    }
    assert.deepEqual(got, want);
  });
}

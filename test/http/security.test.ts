// Host (DNS rebinding), Origin (CSRF) and token checks as tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../../src/http/errors.js';
import { checkHost, checkOrigin, checkToken, parseHostHeader, tokenOf, type Bound } from '../../src/http/security.js';

const verdict = (f: () => void): string => {
  try {
    f();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof HttpError, String(err));
    return `${err.status} ${err.code}`;
  }
};

const LOOP: Bound = { host: '127.0.0.1', port: 4000 };
const V6: Bound = { host: '::1', port: 4000 };
const ANY: Bound = { host: '0.0.0.0', port: 4000, machineNames: ['box'] };
const NAMED: Bound = { host: 'dash.example', port: 4000 };

const hosts: Array<[Bound, string | undefined, string]> = [
  [LOOP, '127.0.0.1:4000', 'ok'],
  [LOOP, 'localhost:4000', 'ok'],
  [LOOP, 'LOCALHOST:4000', 'ok'],
  [LOOP, 'localhost.:4000', 'ok'],
  [LOOP, '[::1]:4000', 'ok'],
  [LOOP, '127.0.0.1:4001', '403 bad_host'],
  [LOOP, '127.0.0.1', '403 bad_host'],
  [LOOP, 'evil.example:4000', '403 bad_host'],
  [LOOP, '10.0.0.5:4000', '403 bad_host'],
  [LOOP, undefined, '403 bad_host'],
  [LOOP, '', '403 bad_host'],
  [LOOP, 'a b:4000', '403 bad_host'],
  [LOOP, '[nothex]:4000', '403 bad_host'],
  [LOOP, '127.0.0.1:4000:1', '403 bad_host'],
  [V6, '[::1]:4000', 'ok'],
  [V6, 'localhost:4000', 'ok'],
  [V6, '::1:4000', '403 bad_host'],
  [ANY, '192.168.1.20:4000', 'ok'],
  [ANY, '[fe80::1]:4000', 'ok'],
  [ANY, 'localhost:4000', 'ok'],
  [ANY, 'box:4000', 'ok'],
  [ANY, 'evil.example:4000', '403 bad_host'],
  [NAMED, 'dash.example:4000', 'ok'],
  [NAMED, 'localhost:4000', '403 bad_host'],
  [NAMED, '127.0.0.1:4000', '403 bad_host'],
  [{ host: '127.0.0.1', port: 80 }, '127.0.0.1', 'ok'],
];

for (const [bound, header, want] of hosts) {
  test(`Host ${JSON.stringify(header)} against ${bound.host}:${bound.port} → ${want}`, () => {
    assert.equal(verdict(() => checkHost(header, bound)), want);
  });
}

test('parseHostHeader', () => {
  assert.deepEqual(parseHostHeader('Example.COM:80'), { name: 'example.com', port: 80 });
  assert.deepEqual(parseHostHeader('[::1]'), { name: '::1', port: null });
  assert.equal(parseHostHeader('x:99999999'), null);
});

const origins: Array<[string | undefined, string, string]> = [
  [undefined, '127.0.0.1:4000', 'ok'],
  ['http://127.0.0.1:4000', '127.0.0.1:4000', 'ok'],
  ['http://localhost:4000', 'localhost:4000', 'ok'],
  ['http://LOCALHOST:4000', 'localhost:4000', 'ok'],
  ['http://localhost:4000', '127.0.0.1:4000', '403 bad_origin'],
  ['https://127.0.0.1:4000', '127.0.0.1:4000', '403 bad_origin'],
  ['http://evil.example', '127.0.0.1:4000', '403 bad_origin'],
  ['null', '127.0.0.1:4000', '403 bad_origin'],
  ['not a url', '127.0.0.1:4000', '403 bad_origin'],
];

for (const [origin, host, want] of origins) {
  test(`Origin ${JSON.stringify(origin)} for Host ${host} → ${want}`, () => {
    assert.equal(verdict(() => checkOrigin(origin, host)), want);
  });
}

test('tokenOf reads Authorization: Bearer or X-Aura-Token', () => {
  assert.equal(tokenOf({ authorization: 'Bearer abc' }), 'abc');
  assert.equal(tokenOf({ authorization: 'bearer   abc  ' }), 'abc');
  assert.equal(tokenOf({ authorization: 'Basic abc' }), null);
  assert.equal(tokenOf({ 'x-aura-token': ' abc ' }), 'abc');
  assert.equal(tokenOf({ 'x-aura-token': ['abc', 'def'] }), 'abc');
  assert.equal(tokenOf({}), null);
});

const tokens: Array<[string | null, string]> = [
  ['s3cret-token-value', 'ok'],
  [null, '401 missing_token'],
  ['', '401 missing_token'],
  ['s3cret-token-valuE', '401 bad_token'],
  ['s3cret', '401 bad_token'],
  ['s3cret-token-value-and-more', '401 bad_token'],
];

for (const [given, want] of tokens) {
  test(`token ${JSON.stringify(given)} → ${want}`, () => {
    assert.equal(verdict(() => checkToken(given, 's3cret-token-value')), want);
  });
}

test('a refused token never repeats the expected one', () => {
  try {
    checkToken('wrong', 's3cret-token-value');
    assert.fail('accepted');
  } catch (err) {
    assert.ok(err instanceof HttpError);
    assert.doesNotMatch(err.message, /s3cret/);
    assert.equal(err.headers['WWW-Authenticate'], 'Bearer error="invalid_token"');
  }
});

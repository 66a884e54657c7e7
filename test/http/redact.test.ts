// What counts as a secret, and that every spelling of one is replaced.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeRedactor, REDACTED, secretValues } from '../../src/http/redact.js';

test('secretValues: secret-named variables and the extra values, long enough to matter', () => {
  const env = {
    ANTHROPIC_API_KEY: 'sk-ant-0123456789',
    GITHUB_TOKEN: 'ghp_abcdefghijk',
    DB_PASSWORD: 'hunter2hunter2',
    AWS_SECRET_ACCESS_KEY: 'aws/secret+value',
    MY_AUTH: 'auth-value-123',
    SHORT_TOKEN: 'abc',
    PATH: '/usr/bin:/bin',
    HOME: '/home/someone',
    KEYBOARD: 'us-international',
    MONKEY: 'not-a-secret-at-all',
  };
  const got = secretValues(env, ['the-dashboard-token', undefined, 'tiny']);
  assert.deepEqual(new Set(got), new Set(['sk-ant-0123456789', 'ghp_abcdefghijk', 'hunter2hunter2', 'aws/secret+value', 'auth-value-123', 'the-dashboard-token']));
  for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]!.length >= got[i]!.length, 'longest first');
});

test('makeRedactor replaces raw and JSON-escaped spellings, longest first', () => {
  const r = makeRedactor(['pa"ss\\word-1', 'abcdefgh', 'abcdefghXYZ']);
  assert.equal(r('x abcdefghXYZ y abcdefgh z'), `x ${REDACTED} y ${REDACTED} z`);
  assert.equal(r(JSON.stringify({ v: 'pa"ss\\word-1' })), `{"v":"${REDACTED}"}`);
  assert.equal(r('pa"ss\\word-1'), REDACTED);
  assert.equal(r('nothing here'), 'nothing here');
  assert.equal(makeRedactor([])('abc'), 'abc');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { environHas, parseStat, splitNul } from '../../src/proc/parse.js';

// Fields after the comm: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
// cutime cstime priority nice threads itrealvalue starttime vsize rss ...
const REST = 'S 17 42 40 0 -1 4194304 101 0 0 0 311 27 0 0 20 0 1 0 65832 3133440 357 18446744073709551615 0 0';
const expected = { state: 'S', ppid: 17, pgid: 42, sid: 40, utimeTicks: 311, stimeTicks: 27, startTicks: 65832, rssPages: 357 };

const cases: Array<{ name: string; text: string; want: ReturnType<typeof parseStat> }> = [
  { name: 'plain comm', text: `1234 (node) ${REST}\n`, want: { pid: 1234, comm: 'node', ...expected } },
  { name: 'comm with spaces', text: `7 (Web Content) ${REST}`, want: { pid: 7, comm: 'Web Content', ...expected } },
  { name: 'comm with parens and spaces: a) b (c', text: `99 (a) b (c) ${REST}`, want: { pid: 99, comm: 'a) b (c', ...expected } },
  { name: 'comm that looks like fields', text: `5 () S 1 2 3 ) ${REST}`, want: { pid: 5, comm: ') S 1 2 3 ', ...expected } },
  { name: 'empty comm', text: `8 () ${REST}`, want: { pid: 8, comm: '', ...expected } },
  { name: 'zombie', text: `9 (sh) Z${REST.slice(1)}`, want: { pid: 9, comm: 'sh', ...expected, state: 'Z' } },
  { name: 'too few fields', text: '1234 (node) S 1 2 3', want: null },
  { name: 'no parentheses', text: `1234 node ${REST}`, want: null },
  { name: 'no pid', text: `(node) ${REST}`, want: null },
  { name: 'non-numeric field', text: `1 (x) S 1 2 3 0 -1 0 0 0 0 0 abc 27 0 0 20 0 1 0 65832 3133440 357`, want: null },
  { name: 'empty', text: '', want: null },
  { name: 'digits and letters in a wanted field', text: `1 (x) S 1 2 3 0 -1 0 0 0 0 0 311 27 0 0 20 0 1 0 65832 3133440 35a7`, want: null },
  { name: 'a state of two letters', text: `1 (x) SS${REST.slice(1)}`, want: null },
  { name: 'blanks around the pid, tabs between fields', text: ` 1234 (node) ${REST.replaceAll(' ', '\t')}\n`, want: { pid: 1234, comm: 'node', ...expected } },
  { name: 'a negative pid', text: `-3 (x) ${REST}`, want: null },
];

for (const c of cases) {
  test(`parseStat: ${c.name}`, () => assert.deepEqual(parseStat(c.text), c.want));
}

test('splitNul drops only the trailing terminator', () => {
  assert.deepEqual(splitNul(Buffer.from('node\0-e\0\0x\0')), ['node', '-e', '', 'x']);
  assert.deepEqual(splitNul(Buffer.from('no-terminator')), ['no-terminator']);
  assert.deepEqual(splitNul(Buffer.alloc(0)), []);
});

test('environHas matches whole NUL-separated entries only', () => {
  const env = Buffer.from('A=1\0KEY=value\0XKEY=value2\0LAST=z');
  assert.equal(environHas(env, 'KEY=value'), true);
  assert.equal(environHas(env, 'A=1'), true);
  assert.equal(environHas(env, 'LAST=z'), true);
  assert.equal(environHas(env, 'KEY=valu'), false);
  assert.equal(environHas(env, 'EY=value'), false);
  assert.equal(environHas(env, 'XKEY=value'), false);
  assert.equal(environHas(env, ''), false);
  assert.equal(environHas(Buffer.alloc(0), 'A=1'), false);
});
